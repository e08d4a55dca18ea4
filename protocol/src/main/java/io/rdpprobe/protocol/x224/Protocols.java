package io.rdpprobe.protocol.x224;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Security protocol bits of requestedProtocols / selectedProtocol (MS-RDPBCGR 2.2.1.1.1, 2.2.1.2.1).
 * A mask keeps unknown bits; {@link #names(int)} prints them as hex so nothing is lost.
 */
public final class Protocols {
    /** Standard RDP Security (RC4 + RSA, 5.3). The absence of any bit. */
    public static final int RDP = 0x00000000;
    /** TLS (5.4.5.1). */
    public static final int SSL = 0x00000001;
    /** CredSSP, i.e. NLA (5.4.5.2). */
    public static final int HYBRID = 0x00000002;
    /** RDSTLS (2.2.17). */
    public static final int RDSTLS = 0x00000004;
    /** CredSSP plus the Early User Authorization Result PDU (2.2.10.2). */
    public static final int HYBRID_EX = 0x00000008;
    /** RDS AAD authentication (Entra ID). */
    public static final int RDSAAD = 0x00000010;

    private static final int[] BITS = {SSL, HYBRID, RDSTLS, HYBRID_EX, RDSAAD};
    private static final String[] NAMES = {"SSL", "HYBRID", "RDSTLS", "HYBRID_EX", "RDSAAD"};

    private Protocols() {}

    /** The name of a single selected protocol: RDP, SSL, HYBRID, ..., or UNKNOWN(0x..). */
    public static String name(int selected) {
        if (selected == RDP) {
            return "RDP";
        }
        for (int i = 0; i < BITS.length; i++) {
            if (selected == BITS[i]) {
                return NAMES[i];
            }
        }
        return String.format("UNKNOWN(0x%08x)", selected);
    }

    /** The names of every bit of a requested mask; an empty mask is ["RDP"]. */
    public static List<String> names(int mask) {
        List<String> out = new ArrayList<>();
        if (mask == RDP) {
            out.add("RDP");
            return out;
        }
        int rest = mask;
        for (int i = 0; i < BITS.length; i++) {
            if ((mask & BITS[i]) != 0) {
                out.add(NAMES[i]);
                rest &= ~BITS[i];
            }
        }
        if (rest != 0) {
            out.add(String.format("0x%08x", rest));
        }
        return out;
    }

    /** {@code "SSL|HYBRID"} style. */
    public static String describe(int mask) {
        return String.join("|", names(mask));
    }

    /** Whether the selected protocol is carried over TLS (everything but Standard RDP Security). */
    public static boolean usesTls(int selected) {
        return selected != RDP;
    }

    /** Whether the selected protocol runs CredSSP after TLS. */
    public static boolean usesCredSsp(int selected) {
        return selected == HYBRID || selected == HYBRID_EX;
    }

    /**
     * Parses a list such as {@code "ssl,hybrid"}, {@code "SSL|HYBRID_EX"}, {@code "rdp"} or {@code "0x0b"}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    /** What {@link #parse} accepts, for error messages. */
    public static final String ACCEPTED_FORMS =
            "use rdp, ssl, hybrid, hybrid_ex, rdstls, rdsaad, comma-separated, or a hex mask of up to 8 digits such as 0x0B";

    public static int parse(String spec) {
        String s = spec.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty protocol list");
        }
        if (s.startsWith("0x") || s.startsWith("0X")) {
            String hex = s.substring(2);
            if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                throw new IllegalArgumentException("'" + spec + "' is not a hex mask (" + ACCEPTED_FORMS + ")");
            }
            return (int) Long.parseLong(hex, 16);
        }
        int mask = 0;
        for (String part : s.split("[,|+ ]+")) {
            String p = part.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            switch (p) {
                case "RDP", "STANDARD" -> { }
                case "SSL", "TLS" -> mask |= SSL;
                case "HYBRID", "NLA", "CREDSSP" -> mask |= HYBRID;
                case "RDSTLS" -> mask |= RDSTLS;
                case "HYBRID_EX", "NLA_EX" -> mask |= HYBRID_EX;
                case "RDSAAD", "AAD" -> mask |= RDSAAD;
                default -> throw new IllegalArgumentException("unknown protocol '" + part + "' (" + ACCEPTED_FORMS + ")");
            }
        }
        return mask;
    }
}
