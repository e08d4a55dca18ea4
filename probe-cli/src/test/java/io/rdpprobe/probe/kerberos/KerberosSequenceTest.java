package io.rdpprobe.probe.kerberos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.kerberos.KerberosSequence.Action;
import io.rdpprobe.probe.kerberos.KerberosSequence.KdcFailure;
import io.rdpprobe.probe.kerberos.KerberosSequence.TicketInfo;
import io.rdpprobe.probe.kerberos.KerberosSequence.Transport;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.krb.AsReq;
import io.rdpprobe.protocol.krb.KrbError;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The KERBEROS stage's interpretation, fed the lab MIT KDC's recorded replies and every failure the driver can report. */
class KerberosSequenceTest {
    private long now = 0;

    static byte[] fixture(String name) throws IOException {
        return HexFormat.of().parseHex(Files.readAllLines(Path.of("../testdata/fixtures/kerberos", name)).stream()
                .filter(l -> !l.startsWith("#")).map(String::trim).collect(Collectors.joining()));
    }

    private KerberosSequence seq(AuthMode mode, String kdc, String spn) {
        return new KerberosSequence(new KerberosSettings(mode, "LAB.TEST", "rdptest", Secret.of("x".toCharArray()), kdc, 34488,
                spn, "TERMSRV/<target as given>", 5000), 0x12345678, () -> now);
    }

    private static StageResult finish(Action a) {
        assertThat(a).isInstanceOf(Action.Finish.class);
        StageResult r = ((Action.Finish) a).result();
        assertThat(r.stage()).isEqualTo(Stage.KERBEROS);
        return r;
    }

    /** Feeds a recorded reply as if this machine's clock were {@code localOffsetSeconds} behind the KDC's. */
    private static Action reply(KerberosSequence s, byte[] der, long kdcAheadSeconds) {
        Instant kdc = KrbError.decode(der).serverTime();
        Instant local = kdc.minusSeconds(kdcAheadSeconds);
        return s.kdcReplied(der, local.minusMillis(10), local.plusMillis(10));
    }

    private static TicketInfo ticket(String server) {
        Instant t = Instant.parse("2026-12-02T01:00:00Z");
        return new TicketInfo("rdptest@LAB.TEST", server, 18, 18, t, t, t.plusSeconds(36000), null);
    }

    @Test
    void rightPasswordIsOkWithTicketDetailsAndTheClockOffset() throws IOException {
        KerberosSequence s = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        Action a = s.start();
        assertThat(a).isInstanceOfSatisfying(Action.SendAsReq.class, q -> {
            assertThat(q.transport()).isEqualTo(Transport.TCP);
            assertThat(AsReq.decode(Unpooled.wrappedBuffer(q.request())).cname().components()).containsExactly("rdptest");
        });
        a = reply(s, fixture("mit-preauth-required.hex"), 0);
        assertThat(a).isInstanceOfSatisfying(Action.Login.class, l -> assertThat(l.transport()).isEqualTo(Transport.TCP));
        a = s.loggedIn(ticket("krbtgt/LAB.TEST@LAB.TEST"));
        assertThat(a).isEqualTo(new Action.RequestTicket("TERMSRV/localhost@LAB.TEST"));
        now = 700_000_000L;
        StageResult r = finish(s.ticketIssued(ticket("TERMSRV/localhost@LAB.TEST")));
        assertThat(r.status()).isEqualTo(Status.OK);
        assertThat(r.elapsedMs()).isEqualTo(700);
        assertThat(r.summary()).contains("TERMSRV/localhost@LAB.TEST", "aes256-cts-hmac-sha1-96 (18)", "KDC clock +0 s");
        assertThat(r.evidence()).containsEntry("clockOffsetSeconds", 0.0).containsEntry("preauthRequired", true)
                .containsEntry("preauthEtypes", List.of("aes256-cts-hmac-sha1-96 (18) salt LAB.TESTrdptest"));
        @SuppressWarnings("unchecked") Map<String, Object> st = (Map<String, Object>) r.evidence().get("serviceTicket");
        assertThat(st).containsEntry("lifetime", "10h")
                .containsEntry("sessionKey", "aes256-cts-hmac-sha1-96 (18)");
        assertThat(r.evidence().get("notes").toString()).contains("the CREDSSP stage sends the AP-REQ");
    }

    @Test
    void clientErrorsOfTheUnauthenticatedAsReqAreNamedWithoutAPasswordExchange() throws IOException {
        Object[][] cases = {
                {"mit-c-principal-unknown.hex", "KDC_ERR_C_PRINCIPAL_UNKNOWN", null},
                {"mit-client-revoked.hex", "KDC_ERR_CLIENT_REVOKED", "0xD07"},
                {"mit-key-expired.hex", "KDC_ERR_KEY_EXPIRED", "0xF07"}};
        for (Object[] c : cases) {
            for (AuthMode mode : List.of(AuthMode.NEGOTIATE, AuthMode.KERBEROS)) {
                KerberosSequence s = seq(mode, "127.0.0.1", "TERMSRV/localhost");
                s.start();
                StageResult r = finish(reply(s, fixture((String) c[0]), 0));
                assertThat(r.status()).as(c[1] + " " + mode).isEqualTo(Status.FAILED);
                assertThat(r.cause().code()).isEqualTo(c[1]);
                assertThat(r.cause().clientError() == null ? null : r.cause().clientError().display()).isEqualTo(c[2]);
                assertThat(r.evidence()).containsKey("kdcTime").containsEntry("failedStep", "AS-REQ");
            }
        }
    }

    @Test
    void wrongPasswordAndSkewComeFromThePreauthenticatedExchange() throws IOException {
        KerberosSequence s = seq(AuthMode.NEGOTIATE, "127.0.0.1", "TERMSRV/localhost");
        s.start();
        reply(s, fixture("mit-preauth-required.hex"), 0);
        StageResult r = finish(s.loginFailed(24, "Pre-authentication information was invalid (24)", null));
        assertThat(r.cause().code()).isEqualTo("KDC_ERR_PREAUTH_FAILED");
        assertThat(r.summary()).contains("wrong password");

        KerberosSequence k = seq(AuthMode.NEGOTIATE, "127.0.0.1", "TERMSRV/localhost");
        k.start();
        reply(k, fixture("mit-faketime-plus6m-preauth-required.hex"), 360);
        StageResult skew = finish(k.loginFailed(37, "Clock skew too great (37)", null));
        assertThat(skew.status()).isEqualTo(Status.FAILED);
        assertThat(skew.cause().code()).isEqualTo("KRB_AP_ERR_SKEW");
        assertThat(skew.cause().clientError().display()).isEqualTo("0x1D07");
        assertThat(skew.summary()).contains("360 s ahead", "limit 300 s");
        assertThat(skew.evidence()).containsEntry("clockOffsetSeconds", 360.0);

        KerberosSequence ok2 = seq(AuthMode.NEGOTIATE, "127.0.0.1", "TERMSRV/localhost");
        ok2.start();
        reply(ok2, fixture("mit-preauth-required.hex"), -120);
        ok2.loggedIn(ticket("krbtgt/LAB.TEST@LAB.TEST"));
        StageResult two = finish(ok2.ticketIssued(ticket("TERMSRV/localhost@LAB.TEST")));
        assertThat(two.status()).isEqualTo(Status.OK);
        assertThat(two.summary()).contains("KDC clock -120 s", "within the 5-minute limit");

        KerberosSequence nopre = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        nopre.start();
        reply(nopre, fixture("mit-preauth-required.hex"), 0);
        assertThat(finish(nopre.loginFailed(31, "Checksum failed", null)).cause().code()).isEqualTo("KRB_AP_ERR_BAD_INTEGRITY");
    }

    @Test
    void aMissingSpnIsAWarningUnderNegotiateAndAFailureUnderKerberos() throws IOException {
        for (AuthMode mode : List.of(AuthMode.NEGOTIATE, AuthMode.KERBEROS)) {
            KerberosSequence s = seq(mode, "127.0.0.1", "TERMSRV/127.0.0.1");
            s.start();
            reply(s, fixture("mit-preauth-required.hex"), 0);
            s.loggedIn(ticket("krbtgt/LAB.TEST@LAB.TEST"));
            StageResult r = finish(s.ticketFailed(7, "Server not found in Kerberos database (7)"));
            assertThat(r.cause().code()).isEqualTo("KDC_ERR_S_PRINCIPAL_UNKNOWN");
            assertThat(r.summary()).contains("TERMSRV/127.0.0.1@LAB.TEST");
            if (mode == AuthMode.NEGOTIATE) {
                assertThat(r.status()).isEqualTo(Status.WARNING);
                assertThat(r.evidence().get("ntlmFallback").toString()).contains("falls back to NTLM");
            } else {
                assertThat(r.status()).isEqualTo(Status.FAILED);
            }
        }
    }

    @Test
    void tcpFallsBackToUdpAndBothFailingIsNamedByHow() throws IOException {
        KerberosSequence s = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        s.start();
        Action a = s.kdcFailed(KdcFailure.REFUSED, "connection refused");
        assertThat(a).isInstanceOfSatisfying(Action.SendAsReq.class, q -> assertThat(q.transport()).isEqualTo(Transport.UDP));
        StageResult down = finish(s.kdcFailed(KdcFailure.REFUSED, "ICMP port unreachable"));
        assertThat(down.cause().code()).isEqualTo("KDC_REFUSED");
        assertThat(down.evidence()).containsKeys("tcp", "udp");

        KerberosSequence b = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        b.start();
        b.kdcFailed(KdcFailure.TIMEOUT, "nothing within 1000 ms");
        assertThat(finish(b.kdcFailed(KdcFailure.TIMEOUT, "nothing within 1000 ms")).cause().code()).isEqualTo("KDC_TIMEOUT");

        KerberosSequence u = seq(AuthMode.NEGOTIATE, "127.0.0.1", "TERMSRV/localhost");
        u.start();
        u.kdcFailed(KdcFailure.UNREACHABLE, "no route");
        StageResult w = finish(u.kdcFailed(KdcFailure.UNREACHABLE, "no route"));
        assertThat(w.status()).isEqualTo(Status.WARNING);
        assertThat(w.cause().code()).isEqualTo("KDC_UNREACHABLE");

        // UDP answering after a TCP failure goes on, and says so
        KerberosSequence v = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        v.start();
        v.kdcFailed(KdcFailure.TIMEOUT, "nothing within 1000 ms");
        assertThat(reply(v, fixture("mit-preauth-required.hex"), 0))
                .isInstanceOfSatisfying(Action.Login.class, l -> assertThat(l.transport()).isEqualTo(Transport.UDP));
    }

    @Test
    void kdcDiscoveryBySrv() throws IOException {
        KerberosSequence n = seq(AuthMode.NEGOTIATE, null, "TERMSRV/localhost");
        assertThat(n.start()).isEqualTo(new Action.ResolveSrv("_kerberos._tcp.LAB.TEST"));
        StageResult skipped = finish(n.srvResolved(List.of(), "not found (NXDOMAIN)"));
        assertThat(skipped.status()).isEqualTo(Status.SKIPPED);
        assertThat(skipped.summary()).contains("Kerberos not available", "NXDOMAIN", "NTLM");

        KerberosSequence k = seq(AuthMode.KERBEROS, null, "TERMSRV/localhost");
        k.start();
        assertThat(finish(k.srvResolved(List.of(), "not found (NXDOMAIN)")).cause().code()).isEqualTo("KDC_NOT_FOUND");

        KerberosSequence f = seq(AuthMode.KERBEROS, null, "TERMSRV/localhost");
        f.start();
        Action a = f.srvResolved(List.<String[]>of(new String[] {"dc1.lab.test", "88"}, new String[] {"dc2.lab.test", "88"}), null);
        assertThat(a).isInstanceOfSatisfying(Action.SendAsReq.class, q -> assertThat(q.host()).isEqualTo("dc1.lab.test"));
        finish(reply(f, fixture("mit-c-principal-unknown.hex"), 0));
        assertThat(((KerberosSequence.Done) f.state()).result().evidence())
                .containsEntry("kdcLookup", "_kerberos._tcp.LAB.TEST -> dc1.lab.test:88, dc2.lab.test:88");
    }

    @Test
    void garbageFromTheKdcPortIsAVerdictAndEventsOutOfOrderAreRefused() {
        KerberosSequence s = seq(AuthMode.KERBEROS, "127.0.0.1", "TERMSRV/localhost");
        s.start();
        StageResult r = finish(s.kdcReplied("SSH-2.0-OpenSSH_9.2\r\n".getBytes(), Instant.now(), Instant.now()));
        assertThat(r.cause().code()).isEqualTo("KDC_MALFORMED_REPLY");
        assertThat(r.evidence()).containsKey("decodeError");
        assertThatThrownBy(() -> s.loggedIn(ticket("x"))).isInstanceOf(IllegalStateException.class);
    }
}
