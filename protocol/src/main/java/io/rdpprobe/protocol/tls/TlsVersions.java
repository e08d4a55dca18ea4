package io.rdpprobe.protocol.tls;

/** Protocol version numbers (RFC 8446 4.1.2 / appendix D) and their names. */
public final class TlsVersions {
    public static final int SSL3 = 0x0300;
    public static final int TLS10 = 0x0301;
    public static final int TLS11 = 0x0302;
    public static final int TLS12 = 0x0303;
    public static final int TLS13 = 0x0304;

    private TlsVersions() {}

    /** {@code TLSv1.2} style, or {@code UNKNOWN(0x....)}; GREASE values print as {@code GREASE(0x..)}. */
    public static String name(int v) {
        return switch (v) {
            case SSL3 -> "SSLv3";
            case TLS10 -> "TLSv1.0";
            case TLS11 -> "TLSv1.1";
            case TLS12 -> "TLSv1.2";
            case TLS13 -> "TLSv1.3";
            default -> isGrease(v) ? String.format("GREASE(0x%04x)", v) : String.format("UNKNOWN(0x%04x)", v);
        };
    }

    /** RFC 8701 GREASE values: 0x?A?A with both bytes equal. */
    public static boolean isGrease(int v) {
        return (v & 0x0F0F) == 0x0A0A && (v >> 8) == (v & 0xFF);
    }
}
