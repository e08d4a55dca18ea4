package io.rdpprobe.probe.model;

import io.rdpprobe.protocol.krb.KrbErrorCode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the KERBEROS stage. A KDC's KRB-ERROR is named after its RFC 4120 7.5.9 code
 * ({@code KDC_ERR_PREAUTH_FAILED}); {@link #forKrbError} is the one mapping from a code to a cause, used for
 * the KRB-ERROR the probe decodes itself and for the code of the JDK's Kerberos exchange alike. Client error
 * codes are the mstsc-internal codes of protocol-notes 7.1 (unverified names) where one is named for the case.
 */
public final class KerberosCauses {
    private KerberosCauses() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();
    private static final Map<Integer, Cause> BY_CODE = new LinkedHashMap<>();

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    private static Cause krb(int errorCode, String title, String remedy, ClientError ce) {
        Cause c = def(KrbErrorCode.name(errorCode), title, remedy, ce);
        BY_CODE.put(errorCode, c);
        return c;
    }

    // ---- finding and reaching the KDC ---------------------------------------------------------------------
    public static final Cause KDC_NOT_FOUND = def("KDC_NOT_FOUND",
            "no KDC for the realm: the DNS SRV record _kerberos._tcp.REALM does not resolve",
            "check the realm (the domain's DNS name, upper-cased), that the client uses the domain's DNS servers, "
                    + "or give the KDC with --kdc HOST[:PORT]; without a KDC mstsc uses NTLM", null);
    public static final Cause KDC_REFUSED = def("KDC_REFUSED",
            "the KDC host refused the connection on the Kerberos port (TCP reset; UDP port unreachable)",
            "the KDC service is not running or listens on another port: check the KDC (on Windows the 'Kerberos Key "
                    + "Distribution Center' service on the DC) and the port (88)", null);
    public static final Cause KDC_TIMEOUT = def("KDC_TIMEOUT",
            "the KDC did not answer before the deadline, over TCP nor UDP",
            "a firewall drops port 88 between this client and the KDC, or the KDC is hung; check TCP and UDP 88", null);
    public static final Cause KDC_UNREACHABLE = def("KDC_UNREACHABLE",
            "the network reported the KDC host or its network unreachable",
            "check routing/VPN to the domain controllers and the address the SRV record or --kdc gives", null);
    public static final Cause KDC_MALFORMED_REPLY = def("KDC_MALFORMED_REPLY",
            "the KDC's answer is not a well-formed Kerberos message",
            "the port may belong to something else, or a middlebox alters Kerberos; capture port 88", null);

    // ---- KRB-ERROR codes (RFC 4120 7.5.9) ----------------------------------------------------------------
    public static final Cause KDC_ERR_C_PRINCIPAL_UNKNOWN = krb(KrbErrorCode.KDC_ERR_C_PRINCIPAL_UNKNOWN,
            "the KDC does not know the user in this realm",
            "check the user name and the realm (user@REALM or DOMAIN\\user with --realm); an NTLM logon with a local "
                    + "account does not need Kerberos", null);
    public static final Cause KDC_ERR_S_PRINCIPAL_UNKNOWN = krb(KrbErrorCode.KDC_ERR_S_PRINCIPAL_UNKNOWN,
            "the KDC has no service principal (SPN) for the name the client connects to",
            "connect by the name the server's SPN has (TERMSRV/<fqdn>: an IP address has no SPN), or register it "
                    + "(setspn -S TERMSRV/name HOST); mstsc then falls back to NTLM, if policy allows it", null);
    public static final Cause KDC_ERR_ETYPE_NOSUPP = krb(KrbErrorCode.KDC_ERR_ETYPE_NOSUPP,
            "the KDC has no key for the user in an encryption type the client offers (e.g. an account with RC4 keys only)",
            "reset the password so the account gets AES keys, or check msDS-SupportedEncryptionTypes and the "
                    + "'Configure encryption types allowed for Kerberos' policy", null);
    public static final Cause KDC_ERR_CLIENT_REVOKED = krb(KrbErrorCode.KDC_ERR_CLIENT_REVOKED,
            "the KDC refuses tickets for this user: the account is locked out or disabled",
            "unlock or enable the account (AD: Account tab; MIT: modprinc +allow_tix); find the source of bad "
                    + "passwords (event 4740)", ClientError.of(0xD07));
    public static final Cause KDC_ERR_KEY_EXPIRED = krb(KrbErrorCode.KDC_ERR_KEY_EXPIRED,
            "the user's password has expired (the KDC says so before checking it)",
            "change the password (NLA cannot change an expired password), or clear the expiry", ClientError.of(0xF07));
    public static final Cause KDC_ERR_PREAUTH_FAILED = krb(KrbErrorCode.KDC_ERR_PREAUTH_FAILED,
            "the KDC could not decrypt the pre-authentication timestamp with the user's key: the password is wrong",
            "retype the password (keyboard layout, caps lock); after several tries the account may lock out", null);
    public static final Cause KRB_AP_ERR_BAD_INTEGRITY = krb(KrbErrorCode.KRB_AP_ERR_BAD_INTEGRITY,
            "the KDC's reply could not be decrypted with the key from the password: the password is wrong "
                    + "(this KDC does not require pre-authentication)",
            "retype the password; and require pre-authentication for the account (AS-REP roasting)", null);
    public static final Cause KRB_AP_ERR_SKEW = krb(KrbErrorCode.KRB_AP_ERR_SKEW,
            "the clocks of this client and the KDC differ by more than the KDC's limit (5 minutes by default)",
            "fix time synchronisation (w32tm /query /status on the client and the DC; NTP on this machine)",
            ClientError.of(0x1D07));
    public static final Cause KDC_ERR_POLICY = krb(12, "the KDC's policy refuses this request",
            "check the account's restrictions (logon hours, workstations, 'Protected Users')", null);
    public static final Cause KDC_ERR_WRONG_REALM = krb(68, "the KDC says the user belongs to another realm",
            "give the user's own realm with --realm", null);
    public static final Cause UNKNOWN_KRB_ERROR = def("UNKNOWN_KRB_ERROR",
            "the KDC refused with a KRB-ERROR code the probe has no explanation for",
            "the code and the KDC's e-text are in the evidence; look them up in RFC 4120 7.5.9 / MS-KILE", null);

    /** The one mapping from a KRB-ERROR code to its cause. */
    public static Cause forKrbError(int code) {
        Cause c = BY_CODE.get(code);
        if (c != null) {
            return c;
        }
        return new Cause(KrbErrorCode.name(code), UNKNOWN_KRB_ERROR.title() + " (" + code + ")",
                UNKNOWN_KRB_ERROR.remedy(), null);
    }

    public static Map<String, Cause> all() {
        return Collections.unmodifiableMap(ALL);
    }
}
