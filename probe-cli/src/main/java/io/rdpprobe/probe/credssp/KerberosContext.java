package io.rdpprobe.probe.credssp;

import java.util.Map;

/**
 * The client side of a Kerberos GSS-API security context (RFC 4121) as the CredSSP sequence drives it: the first
 * token is ready before CREDSSP starts (the KERBEROS stage obtained the service ticket and built the AP-REQ), the
 * sequence hands it the server's AP-REP, then wraps and unwraps pubKeyAuth (MS-CSSP 3.1.5: GSS_WrapEx with the
 * context's session key). No call here does I/O; {@code io.rdpprobe.probe.kerberos.JgssKerberosContext} is the
 * JDK (JGSS) implementation.
 */
public interface KerberosContext {
    /** A failure of the Kerberos mechanism; {@code krbErrorCode} is the RFC 4120 code when a KRB-ERROR caused it, else -1. */
    final class Failure extends Exception {
        private final int krbErrorCode;

        public Failure(String message, int krbErrorCode) {
            super(message);
            this.krbErrorCode = krbErrorCode;
        }

        public int krbErrorCode() {
            return krbErrorCode;
        }
    }

    /** The service principal the AP-REQ is for ("TERMSRV/host@REALM"). */
    String servicePrincipal();

    /** The mechanism's initial context token (RFC 4121 4.1: [APPLICATION 0] with the Kerberos OID, TOK_ID 01 00, AP-REQ). */
    byte[] initialToken();

    /**
     * The acceptor's reply token (the AP-REP, or a KRB-ERROR token). Returns when the context is established and the
     * AP-REP verified (mutual authentication).
     */
    void acceptReply(byte[] token) throws Failure;

    boolean isEstablished();

    /** GSS_Wrap with confidentiality (RFC 4121 4.2.6.2 Wrap token). */
    byte[] wrap(byte[] plain) throws Failure;

    /** GSS_Unwrap; a token that does not verify with the session key throws. */
    byte[] unwrap(byte[] token) throws Failure;

    /** GSS_GetMIC (for SPNEGO's mechListMIC). */
    byte[] getMic(byte[] message) throws Failure;

    /** GSS_VerifyMIC. */
    void verifyMic(byte[] message, byte[] mic) throws Failure;

    /** Non-secret facts for the evidence (etypes, flags the context granted). */
    Map<String, Object> describe();

    /** Destroys the keys; idempotent. */
    void dispose();
}
