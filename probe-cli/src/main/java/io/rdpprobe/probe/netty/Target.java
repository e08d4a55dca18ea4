package io.rdpprobe.probe.netty;

/**
 * A host and port to probe. Parses {@code host}, {@code host:port}, {@code [v6]:port} and a bare IPv6
 * literal.
 */
public record Target(String host, int port) {
    public static final int DEFAULT_PORT = 3389;

    public Target {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("empty host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
    }

    public static Target parse(String spec, Integer portOverride) {
        String s = spec.trim();
        String host;
        Integer port = null;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException("missing ']' in " + spec);
            }
            host = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (rest.startsWith(":")) {
                port = parsePort(rest.substring(1), spec);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("unexpected text after ']' in " + spec);
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(s.substring(s.indexOf(':') + 1), spec);
        } else {
            host = s; // a name, an IPv4 literal, or a bare IPv6 literal
        }
        if (portOverride != null) {
            port = portOverride;
        }
        return new Target(host, port == null ? DEFAULT_PORT : port);
    }

    private static int parsePort(String p, String spec) {
        try {
            return Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port in " + spec);
        }
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
