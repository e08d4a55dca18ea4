package io.rdpprobe.capture;

import java.util.Arrays;

/** An IP address (4 or 16 bytes) and a port, with value equality. */
public final class Endpoint {
    private final byte[] address;
    private final int port;
    private final int hash;

    public Endpoint(byte[] address, int port) {
        this.address = address;
        this.port = port;
        this.hash = Arrays.hashCode(address) * 31 + port;
    }

    public byte[] address() {
        return address.clone();
    }

    byte[] raw() {
        return address;
    }

    public int port() {
        return port;
    }

    public boolean isIpv6() {
        return address.length == 16;
    }

    /** Dotted quad or RFC 5952-ish IPv6 text (zero runs compressed). */
    public String host() {
        if (address.length == 4) {
            return (address[0] & 0xFF) + "." + (address[1] & 0xFF) + "." + (address[2] & 0xFF) + "." + (address[3] & 0xFF);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((address[2 * i] & 0xFF) << 8) | (address[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] == 0) {
                int j = i;
                while (j < 8 && w[j] == 0) j++;
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return isIpv6() ? "[" + host() + "]:" + port : host() + ":" + port;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint e && e.port == port && Arrays.equals(e.address, address);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
