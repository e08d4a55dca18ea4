package io.rdpprobe.protocol.krb;

import java.util.Map;

/** KRB-ERROR error codes by their RFC 4120 7.5.9 names (and the encryption type names of RFC 3961/3962/4757/8009). */
public final class KrbErrorCode {
    private KrbErrorCode() {}

    public static final int KDC_ERR_C_PRINCIPAL_UNKNOWN = 6;
    public static final int KDC_ERR_S_PRINCIPAL_UNKNOWN = 7;
    public static final int KDC_ERR_ETYPE_NOSUPP = 14;
    public static final int KDC_ERR_CLIENT_REVOKED = 18;
    public static final int KDC_ERR_KEY_EXPIRED = 23;
    public static final int KDC_ERR_PREAUTH_FAILED = 24;
    public static final int KDC_ERR_PREAUTH_REQUIRED = 25;
    public static final int KRB_AP_ERR_BAD_INTEGRITY = 31;
    public static final int KRB_AP_ERR_SKEW = 37;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0, "KDC_ERR_NONE"), Map.entry(1, "KDC_ERR_NAME_EXP"), Map.entry(2, "KDC_ERR_SERVICE_EXP"),
            Map.entry(3, "KDC_ERR_BAD_PVNO"), Map.entry(4, "KDC_ERR_C_OLD_MAST_KVNO"), Map.entry(5, "KDC_ERR_S_OLD_MAST_KVNO"),
            Map.entry(6, "KDC_ERR_C_PRINCIPAL_UNKNOWN"), Map.entry(7, "KDC_ERR_S_PRINCIPAL_UNKNOWN"),
            Map.entry(8, "KDC_ERR_PRINCIPAL_NOT_UNIQUE"), Map.entry(9, "KDC_ERR_NULL_KEY"),
            Map.entry(10, "KDC_ERR_CANNOT_POSTDATE"), Map.entry(11, "KDC_ERR_NEVER_VALID"), Map.entry(12, "KDC_ERR_POLICY"),
            Map.entry(13, "KDC_ERR_BADOPTION"), Map.entry(14, "KDC_ERR_ETYPE_NOSUPP"), Map.entry(15, "KDC_ERR_SUMTYPE_NOSUPP"),
            Map.entry(16, "KDC_ERR_PADATA_TYPE_NOSUPP"), Map.entry(17, "KDC_ERR_TRTYPE_NOSUPP"),
            Map.entry(18, "KDC_ERR_CLIENT_REVOKED"), Map.entry(19, "KDC_ERR_SERVICE_REVOKED"), Map.entry(20, "KDC_ERR_TGT_REVOKED"),
            Map.entry(21, "KDC_ERR_CLIENT_NOTYET"), Map.entry(22, "KDC_ERR_SERVICE_NOTYET"), Map.entry(23, "KDC_ERR_KEY_EXPIRED"),
            Map.entry(24, "KDC_ERR_PREAUTH_FAILED"), Map.entry(25, "KDC_ERR_PREAUTH_REQUIRED"),
            Map.entry(26, "KDC_ERR_SERVER_NOMATCH"), Map.entry(27, "KDC_ERR_MUST_USE_USER2USER"),
            Map.entry(28, "KDC_ERR_PATH_NOT_ACCEPTED"), Map.entry(29, "KDC_ERR_SVC_UNAVAILABLE"),
            Map.entry(31, "KRB_AP_ERR_BAD_INTEGRITY"), Map.entry(32, "KRB_AP_ERR_TKT_EXPIRED"), Map.entry(33, "KRB_AP_ERR_TKT_NYV"),
            Map.entry(34, "KRB_AP_ERR_REPEAT"), Map.entry(35, "KRB_AP_ERR_NOT_US"), Map.entry(36, "KRB_AP_ERR_BADMATCH"),
            Map.entry(37, "KRB_AP_ERR_SKEW"), Map.entry(38, "KRB_AP_ERR_BADADDR"), Map.entry(39, "KRB_AP_ERR_BADVERSION"),
            Map.entry(40, "KRB_AP_ERR_MSG_TYPE"), Map.entry(41, "KRB_AP_ERR_MODIFIED"), Map.entry(42, "KRB_AP_ERR_BADORDER"),
            Map.entry(44, "KRB_AP_ERR_BADKEYVER"), Map.entry(45, "KRB_AP_ERR_NOKEY"), Map.entry(46, "KRB_AP_ERR_MUT_FAIL"),
            Map.entry(47, "KRB_AP_ERR_BADDIRECTION"), Map.entry(48, "KRB_AP_ERR_METHOD"), Map.entry(49, "KRB_AP_ERR_BADSEQ"),
            Map.entry(50, "KRB_AP_ERR_INAPP_CKSUM"), Map.entry(51, "KRB_AP_PATH_NOT_ACCEPTED"),
            Map.entry(52, "KRB_ERR_RESPONSE_TOO_BIG"), Map.entry(60, "KRB_ERR_GENERIC"), Map.entry(61, "KRB_ERR_FIELD_TOOLONG"),
            Map.entry(68, "KDC_ERR_WRONG_REALM"));

    private static final Map<Integer, String> ETYPES = Map.of(1, "des-cbc-crc", 3, "des-cbc-md5",
            16, "des3-cbc-sha1", 17, "aes128-cts-hmac-sha1-96", 18, "aes256-cts-hmac-sha1-96",
            19, "aes128-cts-hmac-sha256-128", 20, "aes256-cts-hmac-sha384-192", 23, "rc4-hmac", 24, "rc4-hmac-exp");

    public static String name(int code) {
        return NAMES.getOrDefault(code, "KRB_ERROR_" + code);
    }

    /** "aes256-cts-hmac-sha1-96 (18)". */
    public static String etype(int etype) {
        return ETYPES.getOrDefault(etype, "etype") + " (" + etype + ")";
    }
}
