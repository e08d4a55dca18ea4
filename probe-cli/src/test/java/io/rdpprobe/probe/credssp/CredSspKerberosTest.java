package io.rdpprobe.probe.credssp;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoCredSspServer;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import io.rdpprobe.protocol.spnego.Spnego;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CredSSP sequence's Kerberos decisions (MS-CSSP 3.1.5 over SPNEGO, RFC 4178): what goes out first, the fallback
 * when the server selects NTLMSSP, --auth kerberos never falling back, and what each server answer to the AP-REQ
 * means. The Kerberos mechanism is a stand-in here (its AP-REQ, AP-REP and Wrap tokens need a KDC's tickets: the JDK's
 * real context against the lab KDC and the demo's keytab acceptor is KerberosCredSspInteropTest); the NTLM side of
 * the fallback is the demo's real NTLM acceptor.
 */
class CredSspKerberosTest {
    static final byte[] AP_REQ = {0x60, 0x05, 0x06, 0x03, 0x2a, 0x03, 0x04};
    static final byte[] AP_REP = {0x6f, 0x03, 0x02, 0x01, 0x05};

    /** A stand-in Kerberos mechanism: Wrap tokens are the plaintext with a marker byte in front. */
    static final class StandIn implements KerberosContext {
        boolean established;
        boolean disposed;
        KerberosContext.Failure onReply;
        boolean badUnwrap;

        @Override public String servicePrincipal() { return "TERMSRV/srv01.corp.example@CORP.EXAMPLE"; }
        @Override public byte[] initialToken() { return AP_REQ.clone(); }
        @Override public void acceptReply(byte[] token) throws Failure {
            if (onReply != null) throw onReply;
            assertThat(token).isEqualTo(AP_REP);
            established = true;
        }
        @Override public boolean isEstablished() { return established; }
        @Override public byte[] wrap(byte[] plain) {
            byte[] out = new byte[plain.length + 1];
            out[0] = 0x55;
            System.arraycopy(plain, 0, out, 1, plain.length);
            return out;
        }
        @Override public byte[] unwrap(byte[] token) throws Failure {
            if (badUnwrap || token.length == 0 || token[0] != 0x55) throw new Failure("checksum failed", -1);
            return java.util.Arrays.copyOfRange(token, 1, token.length);
        }
        @Override public byte[] getMic(byte[] message) { return new byte[] {1}; }
        @Override public void verifyMic(byte[] message, byte[] mic) { }
        @Override public Map<String, Object> describe() { return Map.of("kerberosSessionKey", "aes256-cts-hmac-sha1-96 (18)"); }
        @Override public void dispose() { disposed = true; }
    }

    static CredSspClient client(KerberosContext k, boolean ntlmAllowed) {
        return new CredSspClient(CredSspClientTest.creds(CredSspClientTest.PASSWORD), CredSspClientTest.KEY,
                "TERMSRV/srv01.corp.example", CredSspOptions.defaults(), CredSspClientTest.fixedRandom(), k, ntlmAllowed, null);
    }

    static byte[] reply(NegTokenResp r) {
        return TsRequest.ofToken(6, r.toBytes()).toBytes();
    }

    @Test
    void theFirstTsRequestIsANegTokenInitWithKerberosFirstAndTheApReq() {
        CredSspClient c = client(new StandIn(), true);
        TsRequest first = TsRequest.decode(c.start(CredSspClientTest.NOW));
        NegTokenInit init = NegTokenInit.decode(first.firstToken());
        assertThat(init.mechTypes()).containsExactly(Spnego.OID_KERBEROS, Spnego.OID_NTLMSSP);
        assertThat(init.mechToken()).isEqualTo(AP_REQ);
        assertThat(first.clientNonce()).hasSize(32);
        assertThat(c.state()).isEqualTo(CredSspClient.State.AWAIT_KERBEROS_REPLY);
        // --auth kerberos: NTLMSSP not even offered
        NegTokenInit only = NegTokenInit.decode(TsRequest.decode(client(new StandIn(), false).start(0)).firstToken());
        assertThat(only.mechTypes()).containsExactly(Spnego.OID_KERBEROS);
    }

    @Test
    void negotiateFallsBackToNtlmWhenTheServerSelectsNtlmssp() {
        DemoCredSspServer s = CredSspClientTest.server(); // no keytab: it selects NTLMSSP, as a server without Kerberos
        StandIn k = new StandIn();
        Outcome o = CredSspClientTest.run(client(k, true), s);
        assertThat(o.status()).as(o.summary()).isEqualTo(Status.OK);
        assertThat(o.summary()).contains("credentials proven with NTLM");
        assertThat(o.evidence()).containsEntry(CredSspClient.MECHANISM, CredSspClient.NTLM)
                .containsEntry("spnegoSupportedMech", "NTLMSSP").containsEntry("credentialsValid", true);
        assertThat(o.evidence().get("mechanismChoice").toString()).contains("the server selected NTLMSSP").contains("fallback");
        assertThat(s.ntlmSelectedAfterKerberos).isTrue();
        assertThat(s.clientUsedSpnego).isTrue();
        assertThat(s.micValid).isTrue();                      // NTLM MIC, and the SPNEGO mechListMIC over [Kerberos, NTLMSSP]
        assertThat(s.clientPubKeyAuthValid).isTrue();
        assertThat(k.disposed).isTrue();
        assertThat(o.evidence().toString()).doesNotContain(CredSspClientTest.PASSWORD);
    }

    @Test
    void kerberosOnlyNeverFallsBack() {
        // the demo without a keytab, offered Kerberos alone: it rejects the negotiation
        Outcome rejected = CredSspClientTest.run(client(new StandIn(), false), CredSspClientTest.server());
        assertThat(rejected.status()).isEqualTo(Status.FAILED);
        assertThat(rejected.cause().code()).isEqualTo("KERBEROS_NOT_ACCEPTED");
        assertThat(rejected.summary()).contains("negState reject");
        // a server that selects NTLMSSP anyway
        CredSspClient c = client(new StandIn(), false);
        c.start(0);
        Step st = c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, null, null)), 5);
        assertThat(st.send()).isNull();
        assertThat(st.outcome().cause().code()).isEqualTo("KERBEROS_NOT_ACCEPTED");
        assertThat(st.outcome().summary()).contains("--auth kerberos did not offer");
    }

    @Test
    void theApRepIsCheckedAndPubKeyAuthIsWrappedWithTheKerberosContext() throws Exception {
        StandIn k = new StandIn();
        CredSspClient c = client(k, true);
        byte[] nonce = TsRequest.decode(c.start(0)).clientNonce();
        Step st = c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, Spnego.OID_KERBEROS, AP_REP, null)), 5);
        assertThat(k.established).isTrue();
        TsRequest second = TsRequest.decode(st.send());
        assertThat(second.negoTokens()).isEmpty();                 // accept-completed, no mechListMIC asked for
        assertThat(k.unwrap(second.pubKeyAuth())).isEqualTo(PubKeyAuth.clientValue(6, CredSspClientTest.KEY, nonce));
        assertThat(second.clientNonce()).isEqualTo(nonce);
        byte[] serverPka = k.wrap(PubKeyAuth.serverValue(6, CredSspClientTest.KEY, nonce));
        Step done = c.onMessage(new TsRequest(6, List.of(), null, serverPka, null, null).toBytes(), 9);
        assertThat(done.outcome().status()).isEqualTo(Status.OK);
        assertThat(done.outcome().summary()).contains("credentials proven with Kerberos (AP-REP verified");
        assertThat(done.outcome().evidence()).containsEntry(CredSspClient.MECHANISM, CredSspClient.KERBEROS)
                .containsEntry("mutualAuthentication", "AP-REP verified")
                .containsEntry("pubKeyAuthCheck", "verified (SHA-256 binding hash (v5+))")
                .containsEntry("kerberosSessionKey", "aes256-cts-hmac-sha1-96 (18)");
        assertThat(k.disposed).isTrue();
    }

    @Test
    void aServerPubKeyAuthForAnotherKeyOrNotFromTheSessionKeyIsAMismatch() {
        for (boolean badWrap : new boolean[] {false, true}) {
            StandIn k = new StandIn();
            CredSspClient c = client(k, true);
            byte[] nonce = TsRequest.decode(c.start(0)).clientNonce();
            c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, Spnego.OID_KERBEROS, AP_REP, null)), 5);
            byte[] otherKey = CredSspClientTest.rsaKey();
            k.badUnwrap = badWrap;
            byte[] pka = k.wrap(PubKeyAuth.serverValue(6, otherKey, nonce));
            Outcome o = c.onMessage(new TsRequest(6, List.of(), null, pka, null, null).toBytes(), 9).outcome();
            assertThat(o.cause().code()).isEqualTo("PUBKEY_AUTH_MISMATCH");
            assertThat(o.summary()).contains(badWrap ? "Kerberos session key" : "different public key");
        }
    }

    @Test
    void aKrbErrorInsteadOfTheApRepIsNamedByItsCode() {
        StandIn k = new StandIn();
        k.onReply = new KerberosContext.Failure("Clock skew too great (37)", 37);
        CredSspClient c = client(k, true);
        c.start(0);
        Outcome o = c.onMessage(reply(new NegTokenResp(NegTokenResp.REJECT, null, new byte[] {0x7e, 0x00}, null)), 5).outcome();
        assertThat(o.cause().code()).isEqualTo("KERBEROS_NOT_ACCEPTED"); // a reject is the verdict, whatever it carries
        c = client(k, true);
        c.start(0);
        o = c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_KERBEROS, new byte[] {0x7e, 0x00}, null)), 5)
                .outcome();
        assertThat(o.cause().code()).isEqualTo("KRB_AP_ERR_SKEW");
        assertThat(o.evidence()).containsEntry("krbError", "KRB_AP_ERR_SKEW (37)");
        k.onReply = new KerberosContext.Failure("Defective token detected", -1);
        c = client(k, true);
        c.start(0);
        o = c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, Spnego.OID_KERBEROS, AP_REP, null)), 5).outcome();
        assertThat(o.cause().code()).isEqualTo("KERBEROS_AP_REP_INVALID");
        c = client(new StandIn(), true);
        c.start(0);
        o = c.onMessage(reply(new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, Spnego.OID_KERBEROS, null, null)), 5).outcome();
        assertThat(o.cause().code()).isEqualTo("KERBEROS_AP_REP_INVALID");
        assertThat(o.summary()).contains("no AP-REP");
    }

    @Test
    void aCloseRightAfterTheApReqIsItsOwnCause() {
        StandIn k = new StandIn();
        CredSspClient c = client(k, true);
        c.start(0);
        Outcome o = c.onClosed(40);
        assertThat(o.cause().code()).isEqualTo("CLOSED_AFTER_AP_REQ");
        assertThat(o.evidence()).containsEntry("msAfterApReq", 40L);
        assertThat(k.disposed).isTrue();
    }
}
