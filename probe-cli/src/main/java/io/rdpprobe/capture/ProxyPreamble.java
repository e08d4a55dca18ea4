package io.rdpprobe.capture;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A proxy handshake in front of the RDP stream of one TCP connection: a SOCKS5 negotiation (RFC 1928: greeting,
 * method selection, optional RFC 1929 username/password, CONNECT request, reply) or an HTTP CONNECT request and its
 * response. Both directions are buffered (at most {@link #MAX_BUFFERED} bytes each) until the handshake is complete
 * or turns out not to be one; then the bytes after it (or, when it is no proxy handshake, all bytes) are handed on
 * with their capture times, so the X.224 Connection Request is found after the preamble as at the start of a stream.
 * Credentials in the preamble (the RFC 1929 password, a Proxy-Authorization header) are skipped, never kept.
 */
final class ProxyPreamble {
    static final int MAX_BUFFERED = 16 * 1024;

    /** Where the stream continues. */
    interface Out {
        void client(byte[] d, int off, int len, long ts);

        void server(byte[] d, int off, int len, long ts);
    }

    /** One direction as captured: the bytes in one array, and where each segment started with its time. */
    private static final class Chunks {
        byte[] bytes = new byte[256];
        int size;
        int[] starts = new int[16];
        long[] times = new long[16];
        int chunks;
        private int scanned; // headEnd() has looked at everything before this index

        void add(byte[] d, int off, int len, long ts) {
            if (size + len > bytes.length) bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + len));
            if (chunks == starts.length) {
                starts = java.util.Arrays.copyOf(starts, chunks * 2);
                times = java.util.Arrays.copyOf(times, chunks * 2);
            }
            System.arraycopy(d, off, bytes, size, len);
            starts[chunks] = size;
            times[chunks++] = ts;
            size += len;
        }

        int at(int i) {
            return bytes[i] & 0xFF;
        }

        /** Index of the segment holding byte {@code i}. */
        private int chunkOf(int i) {
            int lo = 0;
            int hi = chunks - 1;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (starts[mid] <= i) lo = mid; else hi = mid - 1;
            }
            return lo;
        }

        /** Capture time of the byte at {@code i}. */
        long time(int i) {
            return chunks == 0 ? -1 : times[chunkOf(Math.min(i, size - 1))];
        }

        String ascii(int from, int to) {
            return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
        }

        /** Index just after the first CRLFCRLF, or -1 (each byte is looked at once over all calls). */
        int headEnd() {
            for (int i = Math.max(3, scanned); i < size; i++) {
                if (bytes[i - 3] == '\r' && bytes[i - 2] == '\n' && bytes[i - 1] == '\r' && bytes[i] == '\n') return i + 1;
            }
            scanned = Math.max(scanned, size);
            return -1;
        }

        void release(int from, boolean client, Out out) {
            for (int k = 0; k < chunks; k++) {
                int a = Math.max(from, starts[k]);
                int b = k + 1 < chunks ? starts[k + 1] : size;
                if (a < b) {
                    if (client) out.client(bytes, a, b - a, times[k]);
                    else out.server(bytes, a, b - a, times[k]);
                }
            }
            bytes = new byte[0];
            size = 0;
            chunks = 0;
        }
    }

    private final Out out;
    private final Chunks c = new Chunks();
    private final Chunks s = new Chunks();
    private boolean decided;

    // ---- what the preamble showed
    /** "SOCKS5" or "HTTP CONNECT"; null when the stream has no proxy preamble. */
    String kind;
    /** host:port the client asked the proxy to connect to. */
    String destination;
    int destinationPort = -1;
    String authentication;
    /** The proxy's answer, e.g. "succeeded (bound 127.0.0.1:40000)" or "HTTP/1.1 200 Connection established". */
    String reply;
    boolean completed;
    boolean refused;
    long tRequest = -1;
    long tReply = -1;
    /** Why the preamble could not be followed to its end (then its bytes are handed on as they are). */
    String abandoned;

    ProxyPreamble(Out out) {
        this.out = out;
    }

    boolean decided() {
        return decided;
    }

    void client(byte[] d, int off, int len, long ts) {
        if (decided) {
            out.client(d, off, len, ts);
            return;
        }
        c.add(d, off, len, ts);
        advance();
    }

    void server(byte[] d, int off, int len, long ts) {
        if (decided) {
            out.server(d, off, len, ts);
            return;
        }
        s.add(d, off, len, ts);
        advance();
    }

    /** Bytes were lost or the connection ends: whatever is buffered is handed on. */
    void flush(String why) {
        if (!decided) {
            if (kind != null && !completed && abandoned == null) abandoned = why;
            pass(0, 0);
        }
    }

    private void pass(int clientFrom, int serverFrom) {
        decided = true;
        c.release(clientFrom, true, out);
        s.release(serverFrom, false, out);
    }

    private void notAProxy() {
        kind = null;
        pass(0, 0);
    }

    private void advance() {
        if (c.size == 0) {
            if (s.size > 0) notAProxy(); // the server speaks first: no client preamble
            return;
        }
        if (kind == null) {
            int b0 = c.at(0);
            if (b0 == 5) {
                kind = "SOCKS5";
            } else if (b0 == 'C') {
                String want = "CONNECT ";
                int n = Math.min(want.length(), c.size);
                if (!c.ascii(0, n).equals(want.substring(0, n))) {
                    notAProxy();
                    return;
                }
                if (n < want.length()) return;
                kind = "HTTP CONNECT";
            } else {
                notAProxy();
                return;
            }
        }
        if (c.size > MAX_BUFFERED || s.size > MAX_BUFFERED) {
            abandoned = "preamble longer than " + MAX_BUFFERED + " bytes";
            pass(0, 0);
            return;
        }
        if (kind.equals("SOCKS5")) socks5();
        else http();
    }

    // ---- SOCKS5 (RFC 1928, RFC 1929)
    private void socks5() {
        int p = 0;
        if (c.size < 2) return;
        int nMethods = c.at(1);
        if (nMethods == 0) {
            notAProxy();
            return;
        }
        p = 2 + nMethods;
        if (c.size < p) return;
        if (s.size < 2) return;
        if (s.at(0) != 5) {
            notAProxy();
            return;
        }
        int method = s.at(1);
        int q = 2;
        if (method == 0xFF) {
            refused("no acceptable authentication method (0xFF)", 2);
            return;
        }
        if (method == 2) {
            authentication = "username/password (RFC 1929; not shown)";
            if (c.size < p + 2) return;
            int ulen = c.at(p + 1);
            if (c.size < p + 2 + ulen + 1) return;
            int plen = c.at(p + 2 + ulen);
            p += 2 + ulen + 1 + plen; // the password is skipped, never read
            if (c.size < p || s.size < q + 2) return;
            if (s.at(q + 1) != 0) {
                refused("username/password authentication failed (status " + s.at(q + 1) + ")", q + 2);
                return;
            }
            q += 2;
        } else if (method == 0) {
            authentication = "none";
        } else {
            authentication = String.format("method 0x%02x", method);
            abandoned = "SOCKS5 authentication method 0x" + Integer.toHexString(method) + " cannot be followed";
            pass(p, q);
            return;
        }
        // CONNECT request: VER CMD RSV ATYP DST.ADDR DST.PORT
        if (c.size < p + 5) return;
        if (c.at(p) != 5) {
            abandoned = "the SOCKS5 request does not start with version 5";
            pass(p, q);
            return;
        }
        int cmd = c.at(p + 1);
        int[] addrLen = new int[1];
        String host = socksAddress(c, p + 3, addrLen);
        if (host == null) return;
        int end = p + 4 + addrLen[0] + 2;
        if (c.size < end) return;
        int port = (c.at(end - 2) << 8) | c.at(end - 1);
        destination = (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        destinationPort = port;
        tRequest = c.time(p);
        if (cmd != 1) {
            abandoned = "SOCKS5 command " + cmd + " (" + (cmd == 2 ? "BIND" : cmd == 3 ? "UDP ASSOCIATE" : "unknown") + "), not CONNECT";
        }
        // reply: VER REP RSV ATYP BND.ADDR BND.PORT
        if (s.size < q + 5) return;
        int rep = s.at(q + 1);
        int[] bLen = new int[1];
        String bound = socksAddress(s, q + 3, bLen);
        if (bound == null) return;
        int rend = q + 4 + bLen[0] + 2;
        if (s.size < rend) return;
        tReply = s.time(q);
        int bport = (s.at(rend - 2) << 8) | s.at(rend - 1);
        if (rep != 0) {
            refused(socksReply(rep) + " (SOCKS5 reply " + rep + ")", rend);
            return;
        }
        reply = "succeeded (bound " + (bound.contains(":") ? "[" + bound + "]" : bound) + ":" + bport + ")";
        completed = abandoned == null;
        pass(end, rend);
    }

    private void refused(String why, int serverEnd) {
        refused = true;
        reply = why;
        if (tReply < 0) tReply = s.time(serverEnd - 1);
        completed = true;
        pass(c.size, serverEnd);
    }

    /** ATYP at {@code i}; returns the address text (null when incomplete) and its length in {@code len[0]}. */
    private static String socksAddress(Chunks b, int i, int[] len) {
        if (b.size <= i) return null;
        int atyp = b.at(i);
        switch (atyp) {
            case 1 -> {
                if (b.size < i + 5) return null;
                len[0] = 4;
                return b.at(i + 1) + "." + b.at(i + 2) + "." + b.at(i + 3) + "." + b.at(i + 4);
            }
            case 3 -> {
                if (b.size < i + 2) return null;
                int n = b.at(i + 1);
                if (b.size < i + 2 + n) return null;
                len[0] = 1 + n;
                return b.ascii(i + 2, i + 2 + n);
            }
            case 4 -> {
                if (b.size < i + 17) return null;
                len[0] = 16;
                byte[] a = new byte[16];
                for (int k = 0; k < 16; k++) a[k] = (byte) b.at(i + 1 + k);
                try {
                    return java.net.InetAddress.getByAddress(a).getHostAddress();
                } catch (java.net.UnknownHostException e) {
                    return "?";
                }
            }
            default -> {
                len[0] = 0;
                return "address type " + atyp;
            }
        }
    }

    static String socksReply(int rep) {
        return switch (rep) {
            case 0 -> "succeeded";
            case 1 -> "general SOCKS server failure";
            case 2 -> "connection not allowed by ruleset";
            case 3 -> "network unreachable";
            case 4 -> "host unreachable";
            case 5 -> "connection refused";
            case 6 -> "TTL expired";
            case 7 -> "command not supported";
            case 8 -> "address type not supported";
            default -> "unassigned reply code";
        };
    }

    // ---- HTTP CONNECT
    private void http() {
        int cend = c.headEnd();
        if (cend < 0) return;
        if (destination == null) {
            String head = c.ascii(0, cend);
            String[] lines = head.split("\r\n", -1); // -1: a head of empty lines still has its first (empty) line
            String[] req = lines[0].split(" ");
            if (req.length != 3 || !req[2].startsWith("HTTP/")) {
                abandoned = "malformed HTTP CONNECT request line";
                pass(0, 0);
                return;
            }
            destination = req[1];
            int colon = req[1].lastIndexOf(':');
            try {
                destinationPort = colon > 0 ? Integer.parseInt(req[1].substring(colon + 1)) : -1;
            } catch (NumberFormatException e) {
                destinationPort = -1;
            }
            authentication = "none";
            for (int i = 1; i < lines.length; i++) {
                String l = lines[i].toLowerCase(Locale.ROOT);
                if (l.startsWith("proxy-authorization:")) {
                    String v = lines[i].substring("proxy-authorization:".length()).trim();
                    int sp = v.indexOf(' ');
                    authentication = "Proxy-Authorization " + (sp > 0 ? v.substring(0, sp) : "") + " (credentials not shown)";
                }
            }
            tRequest = c.time(0);
        }
        int send = s.headEnd();
        if (send < 0) return;
        String status = s.ascii(0, send).split("\r\n", -1)[0]; // -1: "\r\n\r\n" alone is an empty status line, not no line
        tReply = s.time(0);
        reply = status;
        String[] st = status.split(" ", 3);
        boolean ok = st.length >= 2 && st[0].startsWith("HTTP/") && st[1].length() == 3 && st[1].charAt(0) == '2';
        completed = true;
        if (!ok) {
            refused = true;
            pass(c.size, send);
            return;
        }
        pass(cend, send);
    }
}
