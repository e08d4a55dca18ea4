package io.rdpprobe.probe.model;

/** Causes for the TLS stage: certificate findings and handshake failures. */
public final class TlsCauses {
    private TlsCauses() {}

    // Certificate findings (warnings unless --strict-cert; a pin mismatch always fails)
    public static final Cause CERT_EXPIRED = new Cause("CERT_EXPIRED", "the server certificate has expired",
            "renew the RDP certificate; for the self-signed one, delete it from the 'Remote Desktop' certificate store "
                    + "and restart TermService so the server generates a new one", ClientError.of(0x1B07));
    public static final Cause CERT_NOT_YET_VALID = new Cause("CERT_NOT_YET_VALID",
            "the server certificate is not valid yet",
            "check the clocks of the server and of this machine; reissue the certificate if its start date is wrong",
            ClientError.of(0x1B07));
    public static final Cause CERT_NAME_MISMATCH = new Cause("CERT_NAME_MISMATCH",
            "the server certificate does not name the host that was probed",
            "connect with a name the certificate lists, or issue a certificate whose subject alternative names include it",
            ClientError.of(0x1B07));
    public static final Cause CERT_UNTRUSTED = new Cause("CERT_UNTRUSTED",
            "the server certificate does not chain to a trusted root",
            "deploy the issuing CA to clients, or pin the certificate (--trust-cert SHA256) after checking it out of band",
            ClientError.of(0x1B07));
    public static final Cause CERT_SELF_SIGNED = new Cause("CERT_SELF_SIGNED",
            "the server uses a self-signed certificate (RDP's default; mstsc asks the user to accept it)",
            "acceptable on a managed network; to remove the prompt, issue a certificate from a CA clients trust",
            null);
    public static final Cause CERT_WEAK_KEY = new Cause("CERT_WEAK_KEY", "the server certificate's key is too short",
            "reissue the certificate with an RSA key of at least 2048 bits (or ECDSA P-256)", null);
    public static final Cause CERT_WEAK_SIGNATURE = new Cause("CERT_WEAK_SIGNATURE",
            "the server certificate is signed with MD5 or SHA-1",
            "reissue the certificate with a SHA-256 signature", null);
    public static final Cause CERT_CORRUPT = new Cause("CERT_CORRUPT",
            "the server sent a certificate that does not parse as X.509 DER",
            "the certificate in the server's store is damaged: delete it and let the server regenerate it, then restart TermService",
            ClientError.of(0x706));
    public static final Cause CERT_PIN_MISMATCH = new Cause("CERT_PIN_MISMATCH",
            "the server certificate does not match the pinned SHA-256 fingerprint",
            "if the server's certificate was renewed, pin the new one after checking it; otherwise suspect an interception",
            ClientError.of(0x907));
    public static final Cause NO_CERTIFICATE = new Cause("NO_CERTIFICATE",
            "the server sent no certificate", "the server's TLS configuration is broken; check its RDP certificate",
            ClientError.of(0x706));

    // Handshake failures
    public static final Cause TLS_ALERT = new Cause("TLS_ALERT", "the TLS handshake ended with an alert",
            "see the alert; handshake_failure usually means no common cipher suite or version", ClientError.of(0x904));
    public static final Cause TLS_VERSION_MISMATCH = new Cause("TLS_VERSION_MISMATCH",
            "the server and the client have no TLS version in common",
            "enable a common TLS version: on old servers install the TLS 1.2 update (KB3080079 for 2008 R2/7), or on the "
                    + "client allow the server's version", ClientError.of(0x904));
    public static final Cause TLS_HANDSHAKE_STALLED = new Cause("TLS_HANDSHAKE_STALLED",
            "the TLS handshake stopped part-way: bytes stopped arriving before the deadline",
            "a path-MTU black hole or a middlebox is the usual cause: large server flights (the certificate) get lost. "
                    + "Check MTU/MSS clamping on VPNs and tunnels with a do-not-fragment ping of 1472 bytes (Windows: "
                    + "ping -f -l 1472 HOST; Linux: ping -M do -s 1472 HOST; macOS: ping -D -s 1472 HOST), and any "
                    + "TLS-inspecting firewall",
            ClientError.of(0x108));
    public static final Cause TLS_HANDSHAKE_FLOOD = new Cause("TLS_HANDSHAKE_FLOOD",
            "the server kept sending without completing the TLS handshake: more than a server flight can be",
            "this is not an RDP server's TLS (or it is broken or hostile): check what listens on the port and any "
                    + "middlebox in the path; capture with --capture", null);
    public static final Cause TLS_HANDSHAKE_SLOW = new Cause("TLS_HANDSHAKE_SLOW",
            "the server's handshake flight was still arriving, too slowly, when the deadline passed",
            "a rate-limiting middlebox, a saturated link or an overloaded server; retry with a longer --timeout to see "
                    + "whether the handshake completes", null);
    public static final Cause NOT_TLS = new Cause("NOT_TLS", "the server answered the ClientHello with something that is not TLS",
            "the server agreed to TLS in the X.224 negotiation but does not speak it; check for a proxy or a broken listener",
            ClientError.of(0x904));
    public static final Cause TLS_DEPRECATED_VERSION = new Cause("TLS_DEPRECATED_VERSION",
            "the server negotiated a deprecated TLS version (1.0 or 1.1)",
            "enable TLS 1.2 on the server and disable TLS 1.0/1.1", null);
}
