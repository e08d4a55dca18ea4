package io.rdpprobe.capture;

import java.util.Arrays;

/** An IP address (4 or 16 bytes) and a port, with value equality. */
public final class Endpoint {
    private final byte[] address;
    private final int port;
    private final int hash;
    /** An IPv4 address as one big-endian int (0 for IPv6): compared with a packet's without a loop ({@link PacketView}). */
    final int ip4;

    public Endpoint(byte[] address, int port) {
        this.address = address;
        this.port = port;
        this.hash = Arrays.hashCode(address) * 31 + port;
        this.ip4 = address.length == 4 ? PacketView.ip4(address, 0) : 0;
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

    /** Dotted quad or RFC 5952 IPv6 text, as the live probe prints addresses. */
    public String host() {
        return io.rdpprobe.probe.connector.HostNames.address(address);
    }

    /** Address bytes (unsigned, a shorter IPv4 address first), then port: a total order for deterministic output. */
    static int compare(Endpoint a, Endpoint b) {
        int c = Arrays.compareUnsigned(a.address, b.address);
        return c != 0 ? c : Integer.compare(a.port, b.port);
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
