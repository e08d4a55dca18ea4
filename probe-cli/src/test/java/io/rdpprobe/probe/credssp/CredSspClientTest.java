package io.rdpprobe.probe.credssp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.rdpprobe.demo.DemoCredSspServer;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.NegotiateMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CredSspClientTest {
    static final long NOW = 1_763_650_000_000L;
    static final String PASSWORD = "S3cret!";
    static final byte[] KEY = rsaKey();

    static byte[] rsaKey() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(1024);
            return PubKeyAuth.subjectPublicKey(g.generateKeyPair().getPublic().getEncoded());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deterministic "randomness": a counter. */
    static RandomSource fixedRandom() {
        int[] n = {0};
        return out -> {
            for (int i = 0; i < out.length; i++) {
                out[i] = (byte) (n[0]++ * 7 + 3);
            }
        };
    }

    static Credentials creds(String password) {
        return Credentials.parse("CORP\\alice", Secret.of(password.toCharArray()));
    }

    static CredSspClient client(Credentials c, CredSspOptions o) {
        return new CredSspClient(c, KEY, "TERMSRV/srv01.corp.example", o, fixedRandom());
    }

    static DemoCredSspServer server() {
        return new DemoCredSspServer(KEY, NOW);
    }

    /** Drives client and server until an outcome; the server's "close" becomes onClosed. */
    static Outcome run(CredSspClient c, DemoCredSspServer s) {
        byte[] out = c.start(NOW);
        long t = NOW;
        for (int i = 0; i < 10; i++) {
            DemoCredSspServer.Reply r = s.onMessage(out);
            t += 20;
            if (r.close()) {
                return c.onClosed(t);
            }
            if (r.bytes() == null) {
                throw new AssertionError("server sent nothing and the client did not finish");
            }
            Step st = c.onMessage(r.bytes(), t);
            if (st.send() != null) {
                out = st.send();
                if (st.outcome() != null) {
                    DemoCredSspServer.Reply last = s.onMessage(out);
                    assertThat(last.bytes()).isNull();
                    return st.outcome();
                }
                continue;
            }
            return st.outcome();
        }
        throw new AssertionError("no outcome");
    }

    @Test
    void rightPasswordIsOkWithoutDelegationByDefault() {
        DemoCredSspServer s = server();
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        Outcome o = run(c, s);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.cause()).isNull();
        assertThat(o.summary()).contains("credentials proven").contains("not delegated");
        assertThat(o.evidence()).containsEntry("credentialsValid", true).containsEntry("delegated", false)
                .containsEntry("pubKeyAuthCheck", "verified (SHA-256 binding hash (v5+))")
                .containsEntry("serverCredSspVersion", 6).containsEntry("negotiatedCredSspVersion", 6)
                .containsEntry("user", "CORP\\alice").containsEntry("ntlmMic", true);
        assertThat(s.clientPubKeyAuthValid).isTrue();
        assertThat(s.micValid).isTrue();
        assertThat(s.receivedCreds).isNull();
        assertThat(s.messages).isEqualTo(2);
        assertThat(c.isDone()).isTrue();
        assertThat(o.inferred()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 4, 5, 6})
    void worksWithEveryServerVersion(int version) {
        DemoCredSspServer s = server();
        s.version = version;
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.evidence()).containsEntry("serverCredSspVersion", version)
                .containsEntry("negotiatedCredSspVersion", version)
                .containsEntry("pubKeyAuthCheck", version >= 5 ? "verified (SHA-256 binding hash (v5+))"
                        : "verified (public key echo +1 (v2-4))");
    }

    @ParameterizedTest
    @ValueSource(ints = {2, 3, 6})
    void clientVersionsBelowFiveUseTheKeyEcho(int clientVersion) {
        DemoCredSspServer s = server();
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults().withVersion(clientVersion)), s);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.evidence()).containsEntry("negotiatedCredSspVersion", Math.min(6, clientVersion));
        assertThat(s.clientNonce == null).isEqualTo(clientVersion < 5);
    }

    @Test
    void wrongPasswordWindowsStyleErrorCode() {
        DemoCredSspServer s = server();
        Outcome o = run(client(creds("wrong"), CredSspOptions.defaults()), s);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
        assertThat(o.cause().code()).isEqualTo("LOGON_FAILURE");
        assertThat(o.inferred()).isFalse();
        assertThat(o.evidence()).containsEntry("errorCode", "0xC000006D").containsEntry("ntStatus", "STATUS_LOGON_FAILURE");
        assertThat(o.summary()).contains("STATUS_LOGON_FAILURE (0xC000006D)").contains("after NTLM AUTHENTICATE");
    }

    @Test
    void unknownUserIsALogonFailureToo() {
        DemoCredSspServer s = server();
        Outcome o = run(new CredSspClient(Credentials.parse("CORP\\mallory", Secret.of(PASSWORD.toCharArray())), KEY,
                "TERMSRV/srv01", CredSspOptions.defaults(), fixedRandom()), s);
        assertThat(o.cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
    }

    @Test
    void wrongPasswordFreeRdpStyleCloseIsInferred() {
        DemoCredSspServer s = server();
        s.onBadPassword = DemoCredSspServer.OnBadPassword.CLOSE;
        Outcome o = run(client(creds("wrong"), CredSspOptions.defaults()), s);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        assertThat(o.cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
        assertThat(o.inferred()).isTrue();
        assertThat(o.summary()).startsWith("server closed the connection right after NTLM AUTHENTICATE")
                .contains("most likely a wrong password or unknown user (inferred");
        assertThat(o.evidence()).containsEntry("closedBy", "TCP/TLS close").containsEntry("msAfterAuthenticate", 20L);
        StageResult sr = o.toStageResult(120);
        assertThat(sr.stage()).isEqualTo(Stage.CREDSSP);
        assertThat(sr.inferred()).isTrue();
    }

    @Test
    void versionTwoServerCannotSendErrorCodeAndCloses() {
        DemoCredSspServer s = server();
        s.version = 2;
        Outcome o = run(client(creds("wrong"), CredSspOptions.defaults()), s);
        assertThat(o.cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
        assertThat(o.inferred()).isTrue();
    }

    @Test
    void tlsAlert80AfterAuthenticateLikeWindows2008R2() {
        DemoCredSspServer s = server();
        CredSspClient c = client(creds("wrong"), CredSspOptions.defaults());
        byte[] neg = c.start(NOW);
        Step st = c.onMessage(s.onMessage(neg).bytes(), NOW + 10);
        assertThat(st.send()).isNotNull();
        assertThat(c.state()).isEqualTo(CredSspClient.State.AWAIT_PUBKEY_AUTH);
        Outcome o = c.onTlsAlert(80, NOW + 45);
        assertThat(o.cause()).isEqualTo(CredSspCauses.LOGON_FAILURE);
        assertThat(o.inferred()).isTrue();
        assertThat(o.summary()).contains("TLS alert internal_error(80) right after NTLM AUTHENTICATE");
        assertThat(o.evidence()).containsEntry("closedBy", "TLS alert internal_error(80)").containsEntry("msAfterAuthenticate", 35L);
        assertThat(c.onClosed(NOW + 50)).isNull();
    }

    @Test
    void pubKeyAuthForADifferentKeyIsAMitm() {
        DemoCredSspServer s = server();
        s.replyPublicKey = rsaKey();
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
        assertThat(o.cause()).isEqualTo(CredSspCauses.PUBKEY_AUTH_MISMATCH);
        assertThat(o.summary()).contains("possible man in the middle");
        assertThat(o.evidence().get("pubKeyAuthCheck").toString()).startsWith("mismatch");
        assertThat(o.evidence()).doesNotContainKey("credentialsValid");
    }

    @Test
    void pubKeyAuthForADifferentKeyIsAMitmWithLegacyEchoToo() {
        DemoCredSspServer s = server();
        s.version = 3;
        s.replyPublicKey = rsaKey();
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
        assertThat(o.cause()).isEqualTo(CredSspCauses.PUBKEY_AUTH_MISMATCH);
    }

    @Test
    void tamperedPubKeyAuthSignatureIsAMitm() {
        DemoCredSspServer s = server();
        s.tamperReplySignature = true;
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
        assertThat(o.cause()).isEqualTo(CredSspCauses.PUBKEY_AUTH_MISMATCH);
        assertThat(o.evidence().get("pubKeyAuthCheck").toString()).startsWith("signature does not verify");
    }

    @Test
    void noCredentialsReportsNtlmInfo() {
        DemoCredSspServer s = server();
        s.serverTimeMillis = NOW + 5; // in the middle of a 10 ms round trip
        CredSspClient c = new CredSspClient(null, null, "TERMSRV/srv01", CredSspOptions.defaults(), fixedRandom());
        byte[] first = c.start(NOW);
        Step st = c.onMessage(s.onMessage(first).bytes(), NOW + 10);
        assertThat(st.send()).isNull();
        Outcome o = st.outcome();
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.summary()).isEqualTo("NTLM info: srv01.corp.example (Windows 10 1809 / Server 2019 (10.0 build 17763)), "
                + "domain corp.example; no credentials given, stopped after CHALLENGE");
        Map<String, Object> e = o.evidence();
        assertThat(e).containsEntry("netbiosComputerName", "SRV01").containsEntry("netbiosDomainName", "CORP")
                .containsEntry("dnsComputerName", "srv01.corp.example").containsEntry("dnsDomainName", "corp.example")
                .containsEntry("dnsForestName", "corp.example").containsEntry("ntlmTargetName", "CORP")
                .containsEntry("osVersion", "10.0.17763").containsEntry("serverCredSspVersion", 6)
                .containsEntry("clockSkewMs", 0L).containsEntry("clockSkewUncertaintyMs", 5L)
                .containsEntry("domainJoined", true).containsEntry("credentialsTested", false)
                .containsEntry("serverTime", java.time.Instant.ofEpochMilli(NOW + 5).toString());
        assertThat(s.messages).isEqualTo(1);
    }

    /**
     * Issue 18 finding 15: FreeRDP's NTLM timestamp is whole seconds (time() * 10^7). The server's clock read NOW+0.7 s
     * and said NOW: the observed -700 ms is within the stated uncertainty only once it includes the 1 s resolution.
     */
    @Test
    void wholeSecondTimestampWidensTheSkewUncertaintyToOneSecond() {
        DemoCredSspServer s = server();
        s.serverTimeMillis = NOW; // a whole second (NOW is one), truncated from NOW + 700
        CredSspClient c = new CredSspClient(null, null, "TERMSRV/srv01", CredSspOptions.defaults(), fixedRandom());
        Step st = c.onMessage(s.onMessage(c.start(NOW + 695)).bytes(), NOW + 705);
        Map<String, Object> e = st.outcome().evidence();
        assertThat(st.outcome().status()).isEqualTo(Status.OK);
        assertThat(e).containsEntry("clockSkewMs", -700L).containsEntry("clockSkewUncertaintyMs", 1005L);
        assertThat(e.get("serverTimeResolution").toString()).startsWith("1 s (inferred: the NTLM timestamp has no sub-second part");
        long skew = (Long) e.get("clockSkewMs");
        long uncertainty = (Long) e.get("clockSkewUncertaintyMs");
        assertThat(Math.abs(skew)).isLessThanOrEqualTo(uncertainty); // the true skew, 0, is inside the interval
        // a millisecond timestamp keeps the round-trip uncertainty
        DemoCredSspServer fine = server();
        fine.serverTimeMillis = NOW + 700;
        CredSspClient c2 = new CredSspClient(null, null, "TERMSRV/srv01", CredSspOptions.defaults(), fixedRandom());
        Map<String, Object> e2 = c2.onMessage(fine.onMessage(c2.start(NOW + 695)).bytes(), NOW + 705).outcome().evidence();
        assertThat(e2).containsEntry("clockSkewMs", 0L).containsEntry("clockSkewUncertaintyMs", 5L)
                .containsEntry("serverTimeResolution", "sub-second");
    }

    @Test
    void clockSkewOverFiveMinutesWarnsAboutKerberos() {
        DemoCredSspServer s = server();
        s.serverTimeMillis = NOW + 10 * 60_000L;
        CredSspClient c = new CredSspClient(null, null, "TERMSRV/srv01", CredSspOptions.defaults(), fixedRandom());
        Step st = c.onMessage(s.onMessage(c.start(NOW)).bytes(), NOW);
        Outcome o = st.outcome();
        assertThat(o.status()).isEqualTo(Status.WARNING);
        assertThat(o.cause()).isEqualTo(CredSspCauses.CLOCK_SKEW);
        assertThat(o.summary()).contains("Kerberos would fail");
        assertThat(o.evidence()).containsEntry("clockSkewMs", 600_000L);
        assertThat(o.evidence().get("serverTimeResolution").toString()).startsWith("1 s"); // and the verdict holds
        // with credentials NTLM still works (the server's timestamp is used), but the warning stays
        DemoCredSspServer s2 = server();
        s2.serverTimeMillis = NOW - 7 * 60_000L;
        Outcome o2 = run(client(creds(PASSWORD), CredSspOptions.defaults()), s2);
        assertThat(o2.status()).isEqualTo(Status.WARNING);
        assertThat(o2.cause()).isEqualTo(CredSspCauses.CLOCK_SKEW);
        assertThat(o2.evidence()).containsEntry("credentialsValid", true);
    }

    @Test
    void specChallengeFixtureDecodesIntoNtlmInfo() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../testdata/fixtures/ntlm/ms-nlmp-4.2.4.3-challenge.hex"));
        StringBuilder sb = new StringBuilder();
        lines.stream().filter(l -> !l.startsWith("#")).forEach(sb::append);
        byte[] challenge = Wire.unhex(sb);
        CredSspClient c = new CredSspClient(null, null, "TERMSRV/Server", CredSspOptions.defaults(), fixedRandom());
        c.start(NOW);
        Outcome o = c.onMessage(TsRequest.ofToken(3, challenge).toBytes(), NOW + 2).outcome();
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.evidence()).containsEntry("ntlmTargetName", "Server").containsEntry("netbiosDomainName", "Domain")
                .containsEntry("netbiosComputerName", "Server").containsEntry("os", "Windows Vista / Server 2008 (6.0 build 6000)")
                .containsEntry("serverCredSspVersion", 3).doesNotContainKey("clockSkewMs");
    }

    @ParameterizedTest
    @ValueSource(ints = {0xC0000072, 0xC000006E, 0xC0000234, 0xC0000193, 0xC0000071, 0xC0000224, 0xC000015B, 0xC0000133,
        0xC000006F, 0xC0000070, 0xC0000064, 0xC000006A, 0xC0000022, 0xC000005E, 0xC000006C, 0xC00000BB, 0xC000000D,
        0xC0000388, 0xC0000413, 0xC00002FA, 0xC0000155, 0xC0000418, 0xC0009999})
    void everyNtStatusMapsToItsCause(int value) {
        DemoCredSspServer s = server();
        s.forcedStatus = new NtStatus(value);
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
        assertThat(o.status()).isEqualTo(Status.FAILED);
        NtStatus st = new NtStatus(value);
        String expected = st.isKnown() ? st.name().substring("STATUS_".length()) : "UNKNOWN_NTSTATUS";
        assertThat(o.cause().code()).isEqualTo(expected);
        assertThat(o.evidence()).containsEntry("errorCode", String.format("0x%08X", value));
    }

    @Test
    void mstscCodesForAccountProblems() {
        Map<Integer, Integer> m = Map.of(0xC0000072, 0xB07, 0xC000006E, 0xC07, 0xC0000234, 0xD07, 0xC0000193, 0xE07,
                0xC0000071, 0xF07, 0xC0000224, 0x1207, 0xC000015B, 0x1307, 0xC0000133, 0x1D07, 0xC000006F, 0x1007,
                0xC0000070, 0x1107);
        m.forEach((status, code) -> {
            DemoCredSspServer s = server();
            s.forcedStatus = new NtStatus(status);
            Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults()), s);
            assertThat(o.cause().clientError().code()).as("%08X", status).isEqualTo(code);
            assertThat(o.evidence()).containsEntry("mstscCode", String.format("0x%X", code));
        });
    }

    @Test
    void delegationSendsSealedTsCredentials() {
        DemoCredSspServer s = server();
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults().withDelegate(true)), s);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.summary()).contains("credentials delegated");
        assertThat(o.evidence()).containsEntry("delegated", true);
        assertThat(s.receivedCreds.userName()).isEqualTo("alice");
        assertThat(s.receivedCreds.domainName()).isEqualTo("CORP");
        assertThat(new String(s.receivedCreds.password())).isEqualTo(PASSWORD);
    }

    @Test
    void hybridExEarlyUserAuthorization() {
        DemoCredSspServer ok = server();
        ok.earlyAuth = EarlyUserAuthResult.AUTHZ_SUCCESS;
        CredSspOptions opts = CredSspOptions.defaults().withDelegate(true).withHybridEx(true);
        Outcome o = run(client(creds(PASSWORD), opts), ok);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(o.evidence()).containsEntry("earlyUserAuthorization", "AUTHZ_SUCCESS");

        DemoCredSspServer denied = server();
        denied.earlyAuth = EarlyUserAuthResult.AUTHZ_ACCESS_DENIED;
        Outcome d = run(client(creds(PASSWORD), opts), denied);
        assertThat(d.cause()).isEqualTo(CredSspCauses.EARLY_USER_AUTH_DENIED);
        assertThat(d.evidence()).containsEntry("earlyUserAuthorization", "AUTHZ_ACCESS_DENIED")
                .containsEntry("credentialsValid", true);
    }

    @Test
    void hybridExFramingAndCloseAfterCredentials() {
        DemoCredSspServer s = server();
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults().withDelegate(true).withHybridEx(true));
        byte[] out = c.start(NOW);
        out = c.onMessage(s.onMessage(out).bytes(), NOW + 1).send();
        Step st = c.onMessage(s.onMessage(out).bytes(), NOW + 2);
        assertThat(st.outcome()).isNull();
        assertThat(c.state()).isEqualTo(CredSspClient.State.AWAIT_EARLY_USER_AUTH);
        assertThat(c.frameLength(Unpooled.wrappedBuffer(new byte[] {5, 0}))).isEqualTo(-1);
        assertThat(c.frameLength(Unpooled.wrappedBuffer(new byte[] {5, 0, 0, 0, 9}))).isEqualTo(4);
        Outcome o = c.onClosed(NOW + 3);
        assertThat(o.cause()).isEqualTo(CredSspCauses.CLOSED_AFTER_CREDENTIALS);
    }

    @Test
    void spnegoWrappedExchangeWithMechListMic() {
        DemoCredSspServer s = server();
        Outcome o = run(client(creds(PASSWORD), CredSspOptions.defaults().withSpnego(true).withDelegate(true)), s);
        assertThat(o.status()).isEqualTo(Status.OK);
        assertThat(s.clientUsedSpnego).isTrue();
        assertThat(o.evidence()).containsEntry("tokenFormat", "SPNEGO").containsEntry("spnegoNegState", "accept-completed");
        assertThat(new String(s.receivedCreds.password())).isEqualTo(PASSWORD);
    }

    @Test
    void closeRightAfterNegotiate() {
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        c.start(NOW);
        Outcome o = c.onClosed(NOW + 30);
        assertThat(o.cause()).isEqualTo(CredSspCauses.CLOSED_AFTER_NEGOTIATE);
        assertThat(o.inferred()).isFalse();
        assertThat(o.evidence()).containsEntry("msAfterNegotiate", 30L);
    }

    @Test
    void errorCodeAfterNegotiate() {
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        c.start(NOW);
        Step st = c.onMessage(new TsRequest(6, List.of(), null, null, NtStatus.STATUS_NOT_SUPPORTED.value(), null).toBytes(), NOW + 1);
        assertThat(st.outcome().cause()).isEqualTo(CredSspCauses.NOT_SUPPORTED);
        assertThat(st.outcome().summary()).contains("after NTLM NEGOTIATE");
    }

    @Test
    void malformedServerMessages() {
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        c.start(NOW);
        Outcome o = c.onMessage(new byte[] {0x30, 0x03, 1, 2, 3}, NOW).outcome();
        assertThat(o.cause()).isEqualTo(CredSspCauses.CREDSSP_MALFORMED);
        assertThat(o.evidence()).containsKey("decodeError");

        CredSspClient c2 = client(creds(PASSWORD), CredSspOptions.defaults());
        c2.start(NOW);
        byte[] garbageToken = TsRequest.ofToken(6, new byte[] {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 2, 0, 0, 0, 1}).toBytes();
        assertThat(c2.onMessage(garbageToken, NOW).outcome().cause()).isEqualTo(CredSspCauses.CREDSSP_MALFORMED);

        CredSspClient c3 = client(creds(PASSWORD), CredSspOptions.defaults());
        c3.start(NOW);
        assertThat(c3.onMessage(new TsRequest(6, List.of(), null, null, null, null).toBytes(), NOW).outcome().cause())
                .isEqualTo(CredSspCauses.CREDSSP_UNEXPECTED_MESSAGE);
        assertThatThrownBy(() -> c3.onMessage(new byte[0], NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void firstMessageIsARawNtlmNegotiateWithNonce() {
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        TsRequest r = TsRequest.decode(c.start(NOW));
        assertThat(r.version()).isEqualTo(6);
        assertThat(r.clientNonce()).hasSize(32);
        NegotiateMessage n = NegotiateMessage.decode(Unpooled.wrappedBuffer(r.firstToken()));
        assertThat(n.flags().value()).isEqualTo(0xE2088235);
        assertThatThrownBy(() -> c.start(NOW)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void deterministicWithInjectedRandomness() {
        List<byte[]> a = transcript();
        List<byte[]> b = transcript();
        assertThat(a).hasSize(b.size());
        for (int i = 0; i < a.size(); i++) {
            assertThat(a.get(i)).isEqualTo(b.get(i));
        }
    }

    private List<byte[]> transcript() {
        DemoCredSspServer s = server();
        CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
        List<byte[]> t = new ArrayList<>();
        byte[] out = c.start(NOW);
        t.add(out);
        out = c.onMessage(s.onMessage(out).bytes(), NOW + 1).send();
        t.add(out);
        return t;
    }

    /** Mutated and random server messages in every state end in an outcome or a send, never an exception. */
    @Test
    void garbageFromTheServerNeverThrows() {
        java.util.Random rnd = new java.util.Random(99);
        DemoCredSspServer ref = server();
        CredSspClient refClient = client(creds(PASSWORD), CredSspOptions.defaults());
        byte[] challenge = ref.onMessage(refClient.start(NOW)).bytes();
        byte[] pka = ref.onMessage(refClient.onMessage(challenge, NOW).send()).bytes();
        for (int i = 0; i < 3000; i++) {
            boolean second = i % 2 == 1;
            byte[] base = second ? pka : challenge;
            byte[] m = base.clone();
            int mode = rnd.nextInt(3);
            if (mode == 0) {
                for (int k = 0; k < 1 + rnd.nextInt(5); k++) {
                    m[rnd.nextInt(m.length)] = (byte) rnd.nextInt();
                }
            } else if (mode == 1) {
                m = java.util.Arrays.copyOf(m, rnd.nextInt(m.length + 1));
            } else {
                m = new byte[rnd.nextInt(80)];
                rnd.nextBytes(m);
            }
            CredSspClient c = client(creds(PASSWORD), CredSspOptions.defaults());
            DemoCredSspServer s = server();
            byte[] first = c.start(NOW);
            Step st;
            if (second) {
                Step s1 = c.onMessage(s.onMessage(first).bytes(), NOW);
                assertThat(s1.send()).isNotNull();
            }
            st = c.onMessage(m, NOW + 1);
            assertThat(st.send() != null || st.outcome() != null).isTrue();
            if (st.outcome() != null) {
                assertThat(c.isDone()).isTrue();
            }
        }
    }

    @Test
    void thePasswordNeverLeaks() {
        Secret secret = Secret.of(PASSWORD.toCharArray());
        Credentials cr = Credentials.parse("CORP\\alice", secret);
        assertThat(secret.toString()).isEqualTo("***");
        assertThat(cr.toString()).doesNotContain(PASSWORD).contains("***");
        List<Outcome> outcomes = new ArrayList<>();
        DemoCredSspServer s1 = server();
        CredSspClient c1 = client(cr, CredSspOptions.defaults().withDelegate(true));
        outcomes.add(run(c1, s1));
        outcomes.add(run(client(creds("wrong"), CredSspOptions.defaults()), server()));
        for (Outcome o : outcomes) {
            assertThat(o.toString()).doesNotContain(PASSWORD);
            assertThat(o.evidence().toString()).doesNotContain(PASSWORD);
        }
        assertThat(c1.toString()).doesNotContain(PASSWORD);
        secret.clear();
        assertThat(secret.isCleared()).isTrue();
        assertThatThrownBy(secret::chars).isInstanceOf(IllegalStateException.class);
        assertThat(Credentials.parse("alice@corp.example", Secret.of(new char[0])).domain()).isEmpty();
    }

    @Test
    void causesAreUpperSnakeAndUnique() {
        assertThat(CredSspCauses.all()).containsKeys("LOGON_FAILURE", "PUBKEY_AUTH_MISMATCH", "CLOCK_SKEW",
                "EARLY_USER_AUTH_DENIED", "ACCOUNT_LOCKED_OUT", "TIME_DIFFERENCE_AT_DC");
        assertThat(CredSspCauses.forStatus(new NtStatus(0xC0000001))).isEqualTo(CredSspCauses.UNKNOWN_NTSTATUS);
    }
}
