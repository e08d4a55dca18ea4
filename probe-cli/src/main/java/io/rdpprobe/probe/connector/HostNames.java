package io.rdpprobe.probe.connector;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Host name and address helpers shared by the runner (DNS, TCP), the TLS stage (SNI), the certificate name check
 * and the capture analyser: one way to print an address, IPv6 in the RFC 5952 form ({@code ::1}, {@code [::1]:3389}).
 */
public final class HostNames {
    private HostNames() {}

    /** An IPv4 or IPv6 address literal: no DNS lookup, no SNI, matched against IP SANs. */
    public static boolean isAddressLiteral(String host) {
        return host.matches("[0-9.]+") || host.indexOf(':') >= 0;
    }

    /** Dotted quad, or IPv6 in RFC 5952 text: lower-case hex, no leading zeros, the longest zero run (2+) as "::". */
    public static String address(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xFF) + "." + (a[1] & 0xFF) + "." + (a[2] & 0xFF) + "." + (a[3] & 0xFF);
        }
        if (a.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + a.length);
        }
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen) { // the first of equally long runs wins (4.2.3)
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }

    /** {@link #address(byte[])} of an InetAddress, keeping an IPv6 zone ({@code fe80::1%eth0}). */
    public static String address(InetAddress a) {
        String text = address(a.getAddress());
        if (a instanceof Inet6Address) {
            String raw = a.getHostAddress();
            int zone = raw.indexOf('%');
            if (zone >= 0) {
                text += raw.substring(zone);
            }
        }
        return text;
    }

    /** {@code host:port}, with IPv6 bracketed: {@code 127.0.0.1:3389}, {@code [::1]:3389}. */
    public static String endpoint(String host, int port) {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /** {@link #endpoint(String, int)} of a resolved socket address (unresolved: its host string). */
    public static String endpoint(InetSocketAddress s) {
        return endpoint(s.getAddress() != null ? address(s.getAddress()) : s.getHostString(), s.getPort());
    }

    /**
     * A socket error message with Java's rendering of the address ({@code /[0:0:0:0:0:0:0:1]:3389},
     * {@code /127.0.0.1:3389}) replaced by {@link #endpoint(InetSocketAddress)}.
     */
    public static String readableError(String message, InetSocketAddress remote) {
        if (message == null || remote.getAddress() == null) {
            return String.valueOf(message);
        }
        String raw = remote.getAddress().getHostAddress();
        String nice = endpoint(remote);
        // the epoll transport words it "finishConnect(..) failed with error(-111): Connection refused": the same text as NIO
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^(?:finishConnect|connect)\\(\\.\\.\\) failed"
                + "(?: with error\\((-?\\d+)\\))?: (.*)$", java.util.regex.Pattern.DOTALL).matcher(message);
        if (m.matches()) {
            message = m.group(2);
        }
        return message.replace("/[" + raw + "]:" + remote.getPort(), nice)
                .replace("/" + raw + ":" + remote.getPort(), nice);
    }
}
