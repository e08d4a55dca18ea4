package io.rdpprobe.scan;

import io.rdpprobe.probe.connector.HostNames;
import io.rdpprobe.probe.netty.Target;
import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a scan's targets: {@code host}, {@code host:port}, {@code [v6]:port}, IPv4/IPv6 CIDR blocks
 * ({@code 10.0.0.0/24}, {@code 2001:db8::/120}, with a port: {@code 10.0.0.0/24:3390}, {@code [2001:db8::/120]:3390}),
 * ranges ({@code 10.0.0.1-10.0.0.50}, the last-octet short form {@code 10.0.0.1-50}, {@code [2001:db8::1-2001:db8::ff]}),
 * a targets file (one of those a line, {@code #} comments) and a CSV with a header naming its columns
 * ({@code target} and optionally {@code port}, {@code user}, {@code password-env}, {@code gateway}).
 * Duplicates (the same host and port through the same gateway) are kept once, the first one. No name is resolved
 * here: names are looked up by each target's own DNS stage.
 */
public final class TargetParser {
    /** The most addresses one block or range, and one scan, may expand to. */
    public static final int MAX_TARGETS = 1 << 20;

    private final int defaultPort;
    private final String defaultGateway;
    private final Map<String, ScanTarget> targets = new LinkedHashMap<>();
    private int duplicates;

    public TargetParser(int defaultPort) {
        this(defaultPort, null);
    }

    /** @param defaultGateway the scan's --gateway (normalised by {@link #gateway}) for targets without their own */
    public TargetParser(int defaultPort, String defaultGateway) {
        this.defaultPort = defaultPort;
        this.defaultGateway = defaultGateway;
    }

    /** The distinct targets, in the order first seen. */
    public List<ScanTarget> targets() {
        return new ArrayList<>(targets.values());
    }

    /** How many targets were dropped as duplicates. */
    public int duplicates() {
        return duplicates;
    }

    /** One command-line item. */
    public TargetParser add(String spec) {
        expand(spec, null, null, null, null, "argv '" + spec + "'");
        return this;
    }

    /** A targets file: one item a line; blank lines and {@code #} comments are skipped. */
    public TargetParser addFile(Path file) {
        List<String> lines = read(file);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int hash = line.indexOf('#');
            String item = (hash >= 0 ? line.substring(0, hash) : line).trim();
            if (!item.isEmpty()) {
                expand(item, null, null, null, null, file + ":" + (i + 1));
            }
        }
        return this;
    }

    /** A CSV with a header row: {@code target} (required), {@code port}, {@code user}, {@code password-env}, {@code gateway}. */
    public TargetParser addCsv(Path file) {
        List<String> lines = read(file);
        int first = 0;
        while (first < lines.size() && (lines.get(first).isBlank() || lines.get(first).trim().startsWith("#"))) {
            first++;
        }
        if (first == lines.size()) {
            throw new IllegalArgumentException(file + ": no header row (e.g. 'target,port,user,gateway')");
        }
        List<String> header = Csv.split(lines.get(first), file + ":" + (first + 1));
        Map<String, Integer> col = new LinkedHashMap<>();
        for (int i = 0; i < header.size(); i++) {
            String h = header.get(i).trim().toLowerCase(Locale.ROOT).replace('_', '-');
            if (!List.of("target", "host", "port", "user", "password-env", "gateway").contains(h)) {
                throw new IllegalArgumentException(file + ":" + (first + 1) + ": unknown column '" + header.get(i).trim()
                        + "' (the columns are target, port, user, password-env, gateway; a password itself is never read "
                        + "from the file: password-env names an environment variable)");
            }
            col.put(h.equals("host") ? "target" : h, i);
        }
        if (!col.containsKey("target")) {
            throw new IllegalArgumentException(file + ":" + (first + 1) + ": the header has no 'target' column");
        }
        for (int i = first + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.trim().startsWith("#")) {
                continue;
            }
            String where = file + ":" + (i + 1);
            List<String> cells = Csv.split(line, where);
            String target = cell(cells, col.get("target"));
            if (target == null) {
                throw new IllegalArgumentException(where + ": empty target");
            }
            Integer port = null;
            String p = cell(cells, col.get("port"));
            if (p != null) {
                port = port(p, where);
            }
            String env = cell(cells, col.get("password-env"));
            if (env != null && !env.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                // never echo it: it may be the password itself, typed into the wrong column
                throw new IllegalArgumentException(where + ": the password-env cell is not an environment variable name "
                        + "(give the NAME of a variable that holds the password, not the password)");
            }
            String user = cell(cells, col.get("user"));
            if (env != null && user == null) {
                throw new IllegalArgumentException(where + ": a password-env cell needs a user cell");
            }
            expand(target, port, user, env, gateway(cell(cells, col.get("gateway")), where), where);
        }
        return this;
    }

    /** A gateway HOST[:PORT] normalised to host:port (443 by default), as the report's "gateway" field prints it. */
    public static String gateway(String spec, String where) {
        if (spec == null) {
            return null;
        }
        Target t;
        try {
            t = Target.parse(spec, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": bad gateway '" + spec + "': " + e.getMessage());
        }
        String g = spec.trim();
        boolean explicitPort = g.startsWith("[") ? g.contains("]:") : g.indexOf(':') >= 0 && g.indexOf(':') == g.lastIndexOf(':');
        return new Target(t.host(), explicitPort ? t.port() : 443).toString();
    }

    private static String cell(List<String> cells, Integer index) {
        if (index == null || index >= cells.size()) {
            return null;
        }
        String v = cells.get(index).trim();
        return v.isEmpty() ? null : v;
    }

    private static List<String> read(Path file) {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(lines.isEmpty() && line.startsWith("\uFEFF") ? line.substring(1) : line);
            }
            return lines;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
        } catch (java.io.UncheckedIOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getCause().getMessage());
        }
    }

    private void expand(String raw, Integer portOverride, String user, String env, String rowGateway, String where) {
        String gateway = rowGateway != null ? rowGateway : defaultGateway;
        String s = raw.trim();
        Integer port = portOverride;
        String body = s;
        // [v6 block or range]:port, [v6]:port, or v4 block/range:port
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0) {
                throw new IllegalArgumentException(where + ": missing ']'");
            }
            body = s.substring(1, end);
            String rest = s.substring(end + 1);
            if (rest.startsWith(":")) {
                port = port != null ? port : port(rest.substring(1), where);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException(where + ": unexpected text after ']'");
            }
        } else if ((s.contains("/") || s.contains("-")) && s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            body = s.substring(0, s.indexOf(':'));
            Integer p = port(s.substring(s.indexOf(':') + 1), where);
            port = port != null ? port : p;
        }
        int slash = body.indexOf('/');
        int dash = rangeDash(body);
        if (slash >= 0) {
            cidr(body, slash, port == null ? defaultPort : port, user, env, gateway, where);
        } else if (dash >= 0) {
            range(body, dash, port == null ? defaultPort : port, user, env, gateway, where);
        } else {
            Target t;
            try {
                t = Target.parse(s.startsWith("[") && port != null ? "[" + body + "]:" + port : s, portOverride);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
            String host = t.host();
            if (HostNames.isAddressLiteral(host)) {
                host = HostNames.address(literal(host, where));
            } else if (!host.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException(where + ": '" + host + "' is neither a host name nor an address");
            }
            put(new ScanTarget(host, t.port(), user, env, gateway, where));
        }
    }

    /** The dash of an address range, or -1 (host names may contain dashes: only two address literals make a range). */
    private static int rangeDash(String body) {
        int dash = body.indexOf('-');
        if (dash <= 0 || body.indexOf('-', dash + 1) >= 0) {
            return -1;
        }
        String a = body.substring(0, dash);
        String b = body.substring(dash + 1);
        boolean v4 = a.matches("\\d{1,3}(\\.\\d{1,3}){3}") && (b.matches("\\d{1,3}") || b.matches("\\d{1,3}(\\.\\d{1,3}){3}"));
        boolean v6 = a.indexOf(':') >= 0 && b.indexOf(':') >= 0;
        return v4 || v6 ? dash : -1;
    }

    private void cidr(String body, int slash, int port, String user, String env, String gateway, String where) {
        byte[] base = literal(body.substring(0, slash), where);
        int bits = base.length * 8;
        int prefix;
        try {
            prefix = Integer.parseInt(body.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": bad prefix length '" + body.substring(slash + 1) + "'");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException(where + ": prefix length " + prefix + " out of range 0-" + bits);
        }
        BigInteger size = BigInteger.ONE.shiftLeft(bits - prefix);
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(size);
        BigInteger start = new BigInteger(1, base).and(mask);
        emit(start, start.add(size).subtract(BigInteger.ONE), base.length, port, user, env, gateway, where);
    }

    private void range(String body, int dash, int port, String user, String env, String gateway, String where) {
        String a = body.substring(0, dash);
        String b = body.substring(dash + 1);
        byte[] from = literal(a, where);
        byte[] to;
        if (from.length == 4 && b.matches("\\d{1,3}")) {
            int last = Integer.parseInt(b);
            if (last > 255) {
                throw new IllegalArgumentException(where + ": range end " + last + " is not an octet (0-255)");
            }
            to = from.clone();
            to[3] = (byte) last;
        } else {
            to = literal(b, where);
        }
        if (to.length != from.length) {
            throw new IllegalArgumentException(where + ": a range cannot mix IPv4 and IPv6");
        }
        BigInteger s = new BigInteger(1, from);
        BigInteger e = new BigInteger(1, to);
        if (e.compareTo(s) < 0) {
            throw new IllegalArgumentException(where + ": the range ends before it starts");
        }
        emit(s, e, from.length, port, user, env, gateway, where);
    }

    private void emit(BigInteger start, BigInteger end, int len, int port, String user, String env, String gateway,
                      String where) {
        BigInteger count = end.subtract(start).add(BigInteger.ONE);
        if (count.compareTo(BigInteger.valueOf(MAX_TARGETS)) > 0 || targets.size() + count.longValue() > MAX_TARGETS) {
            throw new IllegalArgumentException(where + ": " + count + " addresses; a scan takes at most " + MAX_TARGETS
                    + " targets (split the block)");
        }
        for (BigInteger a = start; a.compareTo(end) <= 0; a = a.add(BigInteger.ONE)) {
            byte[] raw = a.toByteArray();
            byte[] addr = new byte[len];
            int copy = Math.min(raw.length, len);
            System.arraycopy(raw, raw.length - copy, addr, len - copy, copy);
            put(new ScanTarget(HostNames.address(addr), port, user, env, gateway, where));
        }
    }

    private void put(ScanTarget t) {
        if (targets.size() >= MAX_TARGETS) {
            throw new IllegalArgumentException(t.origin() + ": a scan takes at most " + MAX_TARGETS + " targets");
        }
        if (targets.putIfAbsent(t.key(), t) != null) {
            duplicates++;
        }
    }

    private static byte[] literal(String text, String where) {
        String t = text.trim();
        boolean v4 = t.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        if (!v4 && !(t.indexOf(':') >= 0 && t.matches("[0-9A-Fa-f:.]+"))) {
            throw new IllegalArgumentException(where + ": '" + t + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(t).getAddress(); // a literal: no look-up
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(where + ": '" + t + "' is not an IP address");
        }
    }

    private static int port(String p, String where) {
        try {
            int v = Integer.parseInt(p.trim());
            if (v >= 1 && v <= 65535) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(where + ": bad port '" + p.trim() + "' (use 1-65535)");
    }

    /** RFC 4180 fields: commas, double quotes around a field, "" for a quote inside one. */
    static final class Csv {
        private Csv() {}

        static List<String> split(String line, String where) {
            List<String> out = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        cur.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    out.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(c);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException(where + ": unterminated quoted field");
            }
            out.add(cur.toString());
            return out;
        }
    }
}
