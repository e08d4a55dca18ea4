package io.rdpprobe.probe.credssp;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.protocol.credssp.NtStatus;
import java.util.Map;

/**
 * The CREDSSP stage's interpretation of a server that ends the exchange without a TSRequest errorCode (MS-CSSP
 * 3.1.5): it closes the connection, or sends a TLS alert, after one of the client's messages. The only place that
 * silence becomes a cause; the live {@link CredSspClient} knows the phase from its own state, the capture analyser
 * reads it from the decrypted CredSSP messages, or, without the TLS secrets, infers it from the order of the
 * encrypted records (and says so in its evidence). Also the one reading of a TSRequest errorCode
 * ({@link #errorCode}), for both paths.
 */
public final class CredSspReading {
    private CredSspReading() {}

    /** The client's last message before the server went silent. */
    public enum Phase {
        /** TSRequest with the NTLM NEGOTIATE; the CHALLENGE is awaited. */
        NEGOTIATE("msAfterNegotiate"),
        /** TSRequest with the SPNEGO negTokenInit carrying the Kerberos AP-REQ; the AP-REP is awaited. */
        KERBEROS_AP_REQ("msAfterApReq"),
        /** The client's pubKeyAuth wrapped with the Kerberos session key; the server's pubKeyAuth is awaited. */
        KERBEROS_PUBKEY_AUTH("msAfterPubKeyAuth"),
        /** TSRequest with the NTLM AUTHENTICATE and pubKeyAuth; the server's pubKeyAuth is awaited. */
        AUTHENTICATE("msAfterAuthenticate"),
        /** TSRequest with authInfo (the delegated TSCredentials); HYBRID_EX's Early User Authorization is awaited. */
        CREDENTIALS("msAfterCredentials");

        /** The evidence key for the time from that message to the silence. */
        public final String elapsedKey;

        Phase(String elapsedKey) {
            this.elapsedKey = elapsedKey;
        }
    }

    /** The verdict's parts. {@code inferred}: the cause is an inference from the close. */
    public record Reading(Cause cause, String summary, boolean inferred) {}

    /**
     * @param what       what the server did, "the server closed the connection" or "the server sent TLS alert ..."
     * @param msAfter    milliseconds from the client's message to it
     */
    public static Reading silence(Phase phase, String what, long msAfter) {
        return switch (phase) {
            case NEGOTIATE -> new Reading(CredSspCauses.CLOSED_AFTER_NEGOTIATE, what + " right after the NTLM NEGOTIATE (after "
                    + msAfter + " ms)", false);
            case KERBEROS_AP_REQ -> new Reading(CredSspCauses.CLOSED_AFTER_AP_REQ, what + " right after the SPNEGO "
                    + "negTokenInit with the Kerberos AP-REQ (after " + msAfter + " ms)", false);
            case KERBEROS_PUBKEY_AUTH -> new Reading(CredSspCauses.KERBEROS_NOT_ACCEPTED, what + " after the Kerberos AP-REP "
                    + "and the client's pubKeyAuth (after " + msAfter + " ms), without its own pubKeyAuth", false);
            case AUTHENTICATE -> new Reading(CredSspCauses.LOGON_FAILURE, what.replace("the server closed the connection",
                    "server closed the connection") + " right after NTLM AUTHENTICATE (after " + msAfter
                    + " ms): most likely a wrong password or unknown user (inferred; FreeRDP closes, Windows 2008 R2 "
                    + "sends TLS alert 80)", true);
            case CREDENTIALS -> new Reading(CredSspCauses.CLOSED_AFTER_CREDENTIALS, what + " after the delegated credentials, "
                    + "without an Early User Authorization Result", false);
        };
    }

    /**
     * A TSRequest errorCode (MS-CSSP 2.2.1): the NTSTATUS's cause ({@link CredSspCauses#forStatus}). Adds the
     * evidence keys {@code errorCode}, {@code ntStatus} and, where the cause has one, {@code mstscCode}.
     *
     * @param after   the client message it answered ("NTLM AUTHENTICATE")
     * @param msAfter milliseconds from that message to the errorCode
     */
    public static Reading errorCode(NtStatus st, String after, long msAfter, Map<String, Object> evidence) {
        Cause c = CredSspCauses.forStatus(st);
        evidence.put("errorCode", st.hex());
        evidence.put("ntStatus", st.name());
        if (c.clientError() != null) {
            evidence.put("mstscCode", c.clientError().display());
        }
        return new Reading(c, "server returned " + st + " after " + after + " (" + msAfter + " ms): " + st.meaning(), false);
    }
}
