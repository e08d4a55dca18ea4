package io.rdpprobe.capture;

import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.FailureCode;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps what the analyser decoded onto the vocabulary of Zeek's rdp.log (scripts/base/protocols/rdp/main.zeek and
 * consts.zeek), so captures can be checked against Zeek field by field. Our own evidence keeps the spec names; only
 * this class speaks Zeek. Values are Zeek's log text: {@code -} unset, {@code (empty)} empty string, T/F booleans,
 * vectors joined with commas.
 *
 * <p>Zeek quirks kept on purpose: the encryption method table knows FIPS as decimal 10 (the wire value is 0x10, which
 * Zeek prints as {@code encryption_method-16}); {@code result} is the RDP_NEG_FAILURE name, else the GCC result,
 * else {@code encrypted} once a TLS-based protocol was selected; {@code security_protocol} comes only from an
 * RDP_NEG_RSP; {@code cert_count} counts only certificates of Standard RDP Security (never TLS ones).
 */
public final class ZeekMapping {
    /** rdp.log columns this mapping fills, in log order. */
    public static final List<String> FIELDS = List.of("cookie", "result", "security_protocol", "client_channels",
            "keyboard_layout", "client_build", "client_name", "client_dig_product_id", "desktop_width", "desktop_height",
            "requested_color_depth", "cert_type", "cert_count", "cert_permanent", "encryption_level", "encryption_method");

    private ZeekMapping() {}

    /** The rdp.log fields for one TCP connection. */
    public static Map<String, String> rdpLog(RdpConnection c) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : FIELDS) {
            m.put(f, "-");
        }
        m.put("cert_count", "0");
        if (c.cr != null && c.cr.token() instanceof CrToken.Cookie ck) {
            m.put("cookie", text(ck.identifier()));
        }
        if (c.connectionConfirm() != null && c.connectionConfirm().negotiation() instanceof NegotiationResponse r) {
            m.put("security_protocol", securityProtocol(r.selectedProtocol()));
        }
        SessionObserver o = c.session;
        if (c.negotiationFailure() != null) {
            m.put("result", failureCode(c.negotiationFailure().failureCode().value()));
        } else if (o.conference != null) {
            m.put("result", gccResult(o.conference.result()));
        } else if (c.selectedProtocol() > 0) {
            m.put("result", "encrypted");
        }
        io.rdpprobe.protocol.gcc.ClientData cd = o.clientData;
        if (cd != null) {
            cd.network().ifPresent(n -> m.put("client_channels", n.channels().isEmpty() ? "(empty)"
                    : String.join(",", n.channels().stream().map(io.rdpprobe.protocol.gcc.ChannelDef::name).toList())));
            cd.core().ifPresent(core -> {
                m.put("keyboard_layout", keyboardLayout(core.keyboardLayout() & 0xFFFFFFFFL));
                m.put("client_build", clientBuild(core.clientBuild() & 0xFFFFFFFFL));
                m.put("client_name", text(core.clientName()));
                if (core.clientDigProductId() != null) m.put("client_dig_product_id", text(core.clientDigProductId()));
                m.put("desktop_width", Integer.toString(core.desktopWidth()));
                m.put("desktop_height", Integer.toString(core.desktopHeight()));
                m.put("requested_color_depth", colorDepth(core.earlyCapabilityFlags() == null ? -1 : core.earlyCapabilityFlags(),
                        core.highColorDepth() == null ? -1 : core.highColorDepth()));
            });
        }
        o.serverSecurity().ifPresent(sec -> {
            m.put("encryption_method", encryptionMethod(sec.encryptionMethod().value() & 0xFFFFFFFFL));
            m.put("encryption_level", encryptionLevel(sec.encryptionLevel().value() & 0xFFFFFFFFL));
            io.rdpprobe.protocol.gcc.ServerCertificate cert = sec.certificate();
            if (cert != null) {
                int type = cert.dwVersion() & 0x7FFFFFFF;
                m.put("cert_type", type == 1 ? "RSA" : type == 2 ? "X.509" : "cert_type-" + type);
                m.put("cert_count", Integer.toString(cert.count()));
                m.put("cert_permanent", cert.permanent() ? "T" : "F");
            }
        });
        return m;
    }

    private static String text(String s) {
        if (s == null) return "-";
        if (s.isEmpty()) return "(empty)";
        return s.replace("\\", "\\\\");
    }

    public static String securityProtocol(int p) {
        return switch (p) {
            case 0 -> "RDP";
            case 1 -> "SSL";
            case 2 -> "HYBRID";
            case 8 -> "HYBRID_EX";
            default -> "security_protocol-" + Integer.toUnsignedString(p);
        };
    }

    /** Zeek's failure_code names are the spec's (the protocol module's {@link FailureCode}); unknown: failure_code-N. */
    public static String failureCode(int v) {
        FailureCode f = new FailureCode(v);
        return f.isKnown() ? f.name() : "failure_code-" + Integer.toUnsignedString(v);
    }

    public static String gccResult(int v) {
        return switch (v) {
            case 0 -> "Success";
            case 1 -> "User rejected";
            case 2 -> "Resources not available";
            case 3 -> "Rejected for symmetry breaking";
            case 4 -> "Locked conference";
            default -> "result-" + v;
        };
    }

    public static String clientBuild(long b) {
        return switch ((int) b) {
            case 419 -> "RDP 4.0";
            case 2195, 2221 -> "RDP 5.0";
            case 2600 -> "RDP 5.1";
            case 3790 -> "RDP 5.2";
            case 6000 -> "RDP 6.0";
            case 6001 -> "RDP 6.1";
            case 6002 -> "RDP 6.2";
            case 7600 -> "RDP 7.0";
            case 7601 -> "RDP 7.1";
            case 9200 -> "RDP 8.0";
            case 9600 -> "RDP 8.1";
            case 25189, 25282 -> "RDP 8.0 (Mac)";
            default -> "client_build-" + b;
        };
    }

    public static String colorDepth(int earlyCapabilityFlags, int highColorDepth) {
        if (earlyCapabilityFlags >= 0 && (earlyCapabilityFlags & 0x0002) != 0) {
            return "32bit"; // RNS_UD_CS_WANT_32BPP_SESSION
        }
        return switch (highColorDepth) {
            case 0x04 -> "4bit";
            case 0x08 -> "8bit";
            case 0x0F -> "15bit";
            case 0x10 -> "16bit";
            case 0x18 -> "24bit";
            default -> "high_color_depth-" + highColorDepth;
        };
    }

    public static String encryptionMethod(long v) {
        return switch ((int) v) {
            case 0 -> "None";
            case 1 -> "40bit";
            case 2 -> "128bit";
            case 8 -> "56bit";
            case 10 -> "FIPS"; // sic: Zeek's table, the wire value of FIPS is 0x10
            default -> "encryption_method-" + v;
        };
    }

    public static String encryptionLevel(long v) {
        return switch ((int) v) {
            case 0 -> "None";
            case 1 -> "Low";
            case 2 -> "Client compatible";
            case 3 -> "High";
            case 4 -> "FIPS";
            default -> "encryption_level-" + v;
        };
    }

    /** Zeek's keyboard_layout: the LCID's name, else the low 16 bits' name "(Best Guess for N)", else keyboard-N. */
    public static String keyboardLayout(long layout) {
        String exact = LANGUAGES.get(layout);
        if (exact != null) {
            return exact;
        }
        String low = LANGUAGES.get(layout & 0xFFFF);
        if (low != null) {
            return low + " (Best Guess for " + layout + ")";
        }
        return "keyboard-" + layout;
    }

    /**
     * The keyboard layout with its name for evidence: {@code "English - United States (0x00000409)"}; a layout whose
     * low 16 bits name a language, {@code "Thai, layout variant (0x00040405)"}; else the raw value alone.
     */
    public static String keyboardLayoutEvidence(long layout) {
        String raw = String.format("0x%08x", layout);
        String exact = LANGUAGES.get(layout);
        if (exact != null) {
            return exact + " (" + raw + ")";
        }
        String low = LANGUAGES.get(layout & 0xFFFF);
        return low != null ? low + ", layout variant (" + raw + ")" : raw;
    }

    /** A subset of Zeek's languages table (LCID / keyboard layout id to name), the most common layouts. */
    private static final Map<Long, String> LANGUAGES = new HashMap<>();

    private static void l(long id, String name) {
        LANGUAGES.put(id, name);
    }

    static {
        l(1025, "Arabic - Saudi Arabia");
        l(1026, "Bulgarian");
        l(1027, "Catalan");
        l(1028, "Chinese - Taiwan");
        l(1029, "Czech");
        l(1030, "Danish");
        l(1031, "German - Germany");
        l(1032, "Greek");
        l(1033, "English - United States");
        l(1034, "Spanish - Spain (Traditional Sort)");
        l(1035, "Finnish");
        l(1036, "French - France");
        l(1037, "Hebrew");
        l(1038, "Hungarian");
        l(1039, "Icelandic");
        l(1040, "Italian - Italy");
        l(1041, "Japanese");
        l(1042, "Korean");
        l(1043, "Dutch - Netherlands");
        l(1044, "Norwegian (Bokmal)");
        l(1045, "Polish");
        l(1046, "Portuguese - Brazil");
        l(1048, "Romanian");
        l(1049, "Russian");
        l(1050, "Croatian");
        l(1051, "Slovak");
        l(1053, "Swedish");
        l(1054, "Thai");
        l(1055, "Turkish");
        l(1057, "Indonesian");
        l(1058, "Ukrainian");
        l(1060, "Slovenian");
        l(1061, "Estonian");
        l(1062, "Latvian");
        l(1063, "Lithuanian");
        l(1066, "Vietnamese");
        l(1081, "Hindi");
        l(2052, "Chinese - People's Republic of China");
        l(2055, "German - Switzerland");
        l(2057, "English - United Kingdom");
        l(2058, "Spanish - Mexico");
        l(2060, "French - Belgium");
        l(2067, "Dutch - Belgium");
        l(2070, "Portuguese - Portugal");
        l(3079, "German - Austria");
        l(3081, "English - Australia");
        l(3082, "Spanish - Spain (Modern Sort)");
        l(3084, "French - Canada");
        l(4105, "English - Canada");
        l(4108, "French - Switzerland");
        l(5129, "English - New Zealand");
        l(6153, "English - Ireland");
        l(66569, "English - United States (Dvorak)");
        l(132105, "English - United States (International)");
    }
}
