package io.rdpprobe.protocol.codec;

import java.util.List;

/**
 * How a named value and its raw number are printed together in evidence, the same way everywhere (live probe and
 * capture analysis): {@code "RDP 10.7 (0x0008000c)"}, {@code "RNS_UD_CS_SUPPORT_ERRINFO_PDU (0x0001)"}.
 */
public final class Named {
    private Named() {}

    /** {@code name (0x...)} with {@code hexDigits} digits. */
    public static String value(String name, long raw, int hexDigits) {
        return name + " (" + hex(raw, hexDigits) + ")";
    }

    /** A flag set: the names joined by '|' (or "none"), then the raw mask. */
    public static String flags(List<String> names, long raw, int hexDigits) {
        return (names.isEmpty() ? "none" : String.join("|", names)) + " (" + hex(raw, hexDigits) + ")";
    }

    public static String hex(long raw, int hexDigits) {
        long masked = hexDigits >= 16 ? raw : raw & ((1L << (4 * hexDigits)) - 1);
        return String.format("0x%0" + hexDigits + "x", masked);
    }
}
