package io.rdpprobe.protocol.tls;

import java.util.HashMap;
import java.util.Map;

/** IANA names of common TLS cipher suites (IANA TLS Cipher Suites registry); unknown ones print as hex. */
public final class CipherSuites {
    private static final Map<Integer, String> NAMES = new HashMap<>();

    static {
        n(0x0004, "TLS_RSA_WITH_RC4_128_MD5");
        n(0x0005, "TLS_RSA_WITH_RC4_128_SHA");
        n(0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
        n(0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA");
        n(0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA");
        n(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA");
        n(0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA");
        n(0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA");
        n(0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA");
        n(0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA");
        n(0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA");
        n(0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256");
        n(0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256");
        n(0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256");
        n(0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256");
        n(0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256");
        n(0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256");
        n(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256");
        n(0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384");
        n(0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256");
        n(0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384");
        n(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
        n(0x1301, "TLS_AES_128_GCM_SHA256");
        n(0x1302, "TLS_AES_256_GCM_SHA384");
        n(0x1303, "TLS_CHACHA20_POLY1305_SHA256");
        n(0x5600, "TLS_FALLBACK_SCSV");
        n(0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA");
        n(0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA");
        n(0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
        n(0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA");
        n(0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA");
        n(0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA");
        n(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        n(0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA");
        n(0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256");
        n(0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384");
        n(0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256");
        n(0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384");
        n(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        n(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        n(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256");
        n(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        n(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        n(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
        n(0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    }

    private static void n(int v, String name) {
        NAMES.put(v, name);
    }

    private CipherSuites() {}

    /** The IANA name, {@code GREASE(0x....)}, or {@code UNKNOWN(0x....)}. */
    public static String name(int suite) {
        String s = NAMES.get(suite);
        if (s != null) {
            return s;
        }
        return TlsVersions.isGrease(suite) ? String.format("GREASE(0x%04x)", suite) : String.format("UNKNOWN(0x%04x)", suite);
    }

    /** Whether this is a TLS 1.3 suite (0x13xx). */
    public static boolean isTls13(int suite) {
        return (suite >> 8) == 0x13;
    }
}
