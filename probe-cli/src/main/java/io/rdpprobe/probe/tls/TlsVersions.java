package io.rdpprobe.probe.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bouncycastle.tls.ProtocolVersion;

/** TLS version names used on the command line and in reports: "1.0", "1.1", "1.2", "1.3". */
public final class TlsVersions {
    private TlsVersions() {}

    public static final List<String> ALL = List.of("1.0", "1.1", "1.2", "1.3");

    public static ProtocolVersion of(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT).replace("tls", "").replace("v", "")) {
            case "1.0", "1" -> ProtocolVersion.TLSv10;
            case "1.1" -> ProtocolVersion.TLSv11;
            case "1.2" -> ProtocolVersion.TLSv12;
            case "1.3" -> ProtocolVersion.TLSv13;
            default -> throw new IllegalArgumentException("unknown TLS version '" + v + "' (use 1.0, 1.1, 1.2, 1.3)");
        };
    }

    public static String name(ProtocolVersion v) {
        if (v == null) return null;
        if (v.equals(ProtocolVersion.TLSv10)) return "1.0";
        if (v.equals(ProtocolVersion.TLSv11)) return "1.1";
        if (v.equals(ProtocolVersion.TLSv12)) return "1.2";
        if (v.equals(ProtocolVersion.TLSv13)) return "1.3";
        return v.getName();
    }

    /** A version as the wire carries it (ServerHello.version, 0x0303) in the reports' form: "1.2". */
    public static String name(int wire) {
        return name(ProtocolVersion.get((wire >> 8) & 0xFF, wire & 0xFF));
    }

    /** The evidence value and summary form of a version, the same for the live probe and a capture: "TLS 1.2". */
    public static String label(String v) {
        return "TLS " + v;
    }

    public static List<String> parseList(String spec) {
        List<String> out = new ArrayList<>();
        for (String p : spec.split("[,| ]+")) {
            if (!p.isBlank()) out.add(name(of(p)));
        }
        if (out.isEmpty()) throw new IllegalArgumentException("empty TLS version list");
        return out;
    }

    public static boolean deprecated(String v) {
        return "1.0".equals(v) || "1.1".equals(v);
    }

    /** The versions in {@link #ALL} not in {@code offered}. */
    public static List<String> complement(List<String> offered) {
        List<String> out = new ArrayList<>(ALL);
        out.removeAll(offered);
        return out;
    }
}
