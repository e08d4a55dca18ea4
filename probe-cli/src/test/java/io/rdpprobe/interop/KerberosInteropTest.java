package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.demo.DemoKerberosAcceptor;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.credssp.CredSspClient;
import io.rdpprobe.probe.credssp.CredSspOptions;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.probe.tls.TrustSettings;
import io.rdpprobe.report.ReportJson;
import io.rdpprobe.report.TextRenderer;
import java.nio.file.Path;
import io.rdpprobe.probe.kerberos.AuthMode;
import io.rdpprobe.probe.kerberos.KerberosProbe;
import io.rdpprobe.probe.kerberos.KerberosSettings;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.io.File;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The KERBEROS stage against the lab's real MIT KDC (realm LAB.TEST, testdata/lab/lab.sh start-kdc), started and
 * stopped by PID here: one KDC on interop.kdc.port (default 33888), one 6 minutes ahead under libfaketime on +1 and
 * one 2 minutes ahead on +2. Runs in the shadow-nla group only, so the KDCs start once per CI run.
 *
 * <p>CredSSP with Kerberos (MS-CSSP 3.1.5): the probe's JGSS context against the embedded endpoint with the keytab
 * lab.sh writes for TERMSRV/localhost (the demo's JGSS acceptor), and the real FreeRDP shadow server under
 * {@code --auth negotiate}, which has no Kerberos: NTLM after the KERBEROS stage's fallback.
 */
@Tag("interop")
class KerberosInteropTest {
    static final int KDC = Integer.getInteger("interop.kdc.port", 33888);
    static final String LABDIR = System.getProperty("interop.lab.dir", new File("../lab-run").getAbsolutePath());

    static void lab(String cmd, int port, String... args) throws Exception {
        java.util.List<String> c = new java.util.ArrayList<>(java.util.List.of("bash", "../testdata/lab/lab.sh", cmd));
        c.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(c).inheritIO();
        pb.environment().put("LAB", LABDIR);
        pb.environment().put("KDC_PORT", String.valueOf(port));
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("lab.sh " + cmd + " " + port).isZero();
    }

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("nla".equals(Lab.SHADOW_MODE), "KDC table runs in the shadow-nla group");
        assumeTrue(new File("/usr/sbin/krb5kdc").exists(), "krb5-kdc not installed (lab.sh install)");
        lab("start-kdc", KDC);
        lab("start-kdc", KDC + 1, "+6m");
        lab("start-kdc", KDC + 2, "+2m");
    }

    @AfterAll
    static void stop() throws Exception {
        if ("nla".equals(Lab.SHADOW_MODE) && new File("/usr/sbin/krb5kdc").exists()) {
            for (int p = KDC; p <= KDC + 2; p++) lab("stop", p, "kdc");
        }
    }

    private static String password() {
        String pw = System.getenv("RDP_PROBE_INTEROP_PASSWORD");
        assumeTrue(pw != null, "lab password not in the environment");
        return pw;
    }

    private static StageResult run(String user, String pw, int port, String host, long timeout, String spn) {
        StageResult r = KerberosProbe.run(new KerberosSettings(AuthMode.KERBEROS, "LAB.TEST", user, Secret.of(pw.toCharArray()),
                host, port, spn, "TERMSRV/<target as given>", timeout));
        System.out.println("[interop] kerberos " + user + " kdc " + host + ":" + port + " spn " + spn + ": " + r.status() + " "
                + (r.cause() == null ? "" : r.cause().code() + " ") + r.summary());
        assertThat(r.evidence().toString()).doesNotContain(pw);
        return r;
    }

    private static void expect(StageResult r, Status st, String cause) {
        assertThat(r.status()).as(r.summary()).isEqualTo(st);
        assertThat(r.cause() == null ? null : r.cause().code()).as(r.summary()).isEqualTo(cause);
    }

    @Test
    void verdictTableAgainstTheMitKdc() throws Exception {
        String pw = password();
        StageResult ok = run("rdptest", pw, KDC, "127.0.0.1", 5000, "TERMSRV/localhost");
        expect(ok, Status.OK, null);
        assertThat(ok.evidence()).containsKeys("tgt", "serviceTicket", "clockOffsetSeconds");
        expect(run("rdptest", pw + "x", KDC, "127.0.0.1", 5000, "TERMSRV/localhost"), Status.FAILED, "KDC_ERR_PREAUTH_FAILED");
        expect(run("nosuch", pw, KDC, "127.0.0.1", 5000, "TERMSRV/localhost"), Status.FAILED, "KDC_ERR_C_PRINCIPAL_UNKNOWN");
        expect(run("rdplocked", pw, KDC, "127.0.0.1", 5000, "TERMSRV/localhost"), Status.FAILED, "KDC_ERR_CLIENT_REVOKED");
        expect(run("rdpexpired", pw, KDC, "127.0.0.1", 5000, "TERMSRV/localhost"), Status.FAILED, "KDC_ERR_KEY_EXPIRED");
        expect(run("rdptest", pw, KDC, "127.0.0.1", 5000, "TERMSRV/127.0.0.1"), Status.FAILED, "KDC_ERR_S_PRINCIPAL_UNKNOWN");
        StageResult skew = run("rdptest", pw, KDC + 1, "127.0.0.1", 5000, "TERMSRV/localhost");
        expect(skew, Status.FAILED, "KRB_AP_ERR_SKEW");
        assertThat((Double) skew.evidence().get("clockOffsetSeconds")).isBetween(355.0, 365.0);
        StageResult two = run("rdptest", pw, KDC + 2, "127.0.0.1", 5000, "TERMSRV/localhost");
        expect(two, Status.OK, null);
        assertThat(two.summary()).contains("within the 5-minute limit");
        int down;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            down = s.getLocalPort();
        }
        expect(run("rdptest", pw, down, "127.0.0.1", 3000, "TERMSRV/localhost"), Status.FAILED, "KDC_REFUSED");
        try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             DatagramSocket udp = new DatagramSocket(tcp.getLocalPort(), InetAddress.getLoopbackAddress())) {
            long t0 = System.nanoTime();
            expect(run("rdptest", pw, tcp.getLocalPort(), "127.0.0.1", 2000, "TERMSRV/localhost"), Status.FAILED, "KDC_TIMEOUT");
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(4000);
        }
    }

    // ---- CredSSP with Kerberos -----------------------------------------------------------------------------

    private static Report probe(AuthMode mode, String host, int port, String pw, boolean delegate, String pin) {
        Credentials c = new Credentials("rdptest", "LAB", Secret.of(pw.toCharArray()));
        KerberosSettings k = new KerberosSettings(mode, "LAB.TEST", "rdptest", c.password(), "127.0.0.1", KDC,
                "TERMSRV/" + host, "TERMSRV/<target as given>", 5000);
        ProbeSettings s = ProbeSettings.defaults().withTimeout(8000)
                .withCredSsp(new CredSspSettings(c, CredSspOptions.defaults().withDelegate(delegate)));
        if (pin != null) {
            s = s.withTls(s.tls().withTrust(new TrustSettings(java.util.List.of(), java.util.Set.of(pin), false)));
        }
        try (ProbeRunner runner = new ProbeRunner()) {
            Report r = runner.kerberos(k).probe(new Target(host, port), s);
            System.out.println("[interop] --auth " + mode.name().toLowerCase() + " " + host + ":" + port + "\n"
                    + new TextRenderer(false).render(r));
            assertThat(ReportJson.render(r)).doesNotContain(pw);
            return r;
        }
    }

    private static StageResult stage(Report r, Stage st) {
        return r.stages().stream().filter(x -> x.stage() == st).findFirst().orElseThrow();
    }

    private static DemoServer keytabEndpoint() throws Exception {
        Path keytab = Path.of(LABDIR, "kdc", "termsrv.keytab");
        assumeTrue(keytab.toFile().canRead(), "no lab keytab (lab.sh kdc-init)");
        return DemoServer.start(Fault.NONE).withKerberos(DemoKerberosAcceptor.fromKeytab(keytab));
    }

    @Test
    void credSspWithKerberosAgainstTheKeytabEndpoint() throws Exception {
        String pw = password();
        try (DemoServer demo = keytabEndpoint()) {
            for (AuthMode mode : new AuthMode[] {AuthMode.KERBEROS, AuthMode.NEGOTIATE}) {
                Report r = probe(mode, "localhost", demo.port(), pw, false, null);
                expect(stage(r, Stage.KERBEROS), Status.OK, null);
                StageResult c = stage(r, Stage.CREDSSP);
                assertThat(c.status()).as(c.summary()).isEqualTo(Status.OK);
                assertThat(c.evidence()).containsEntry(CredSspClient.MECHANISM, CredSspClient.KERBEROS)
                        .containsEntry("mutualAuthentication", "AP-REP verified")
                        .containsEntry("spnegoSupportedMech", "Kerberos")
                        .containsEntry("pubKeyAuthCheck", "verified (SHA-256 binding hash (v5+))")
                        .containsEntry("delegated", false);
                assertThat(c.evidence().get("mechanismsOffered")).isEqualTo(mode == AuthMode.KERBEROS
                        ? java.util.List.of("Kerberos") : java.util.List.of("Kerberos", "NTLMSSP"));
            }
            // delegation (TSCredentials wrapped with the Kerberos session key) to a pinned certificate: to ACTIVATION
            Report full = probe(AuthMode.KERBEROS, "localhost", demo.port(), pw, true, demo.certificateSha256());
            assertThat(stage(full, Stage.CREDSSP).evidence()).containsEntry("delegated", true)
                    .containsEntry(CredSspClient.MECHANISM, CredSspClient.KERBEROS);
            assertThat(stage(full, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        }
    }

    @Test
    void aWrongPasswordStopsAtTheKerberosStage() throws Exception {
        String pw = password();
        try (DemoServer demo = keytabEndpoint()) {
            Report r = probe(AuthMode.KERBEROS, "localhost", demo.port(), pw + "x", false, null);
            expect(stage(r, Stage.KERBEROS), Status.FAILED, "KDC_ERR_PREAUTH_FAILED");
            assertThat(r.stages()).noneMatch(x -> x.stage() == Stage.CREDSSP && x.status() != Status.NOT_REACHED);
            assertThat(r.verdict().cause()).isEqualTo("KDC_ERR_PREAUTH_FAILED");
        }
    }

    @Test
    void negotiateFallsBackToNtlmWhenTheEndpointHasNoKeytab() throws Exception {
        String pw = password();
        try (DemoServer demo = DemoServer.start(Fault.NONE)) {
            // a real AP-REQ goes out; the endpoint (no keytab) selects NTLMSSP; its NTLM knows only the demo account
            Report r = probe(AuthMode.NEGOTIATE, "localhost", demo.port(), pw, false, null);
            expect(stage(r, Stage.KERBEROS), Status.OK, null);
            StageResult c = stage(r, Stage.CREDSSP);
            assertThat(c.evidence()).containsEntry(CredSspClient.MECHANISM, CredSspClient.NTLM)
                    .containsEntry("spnegoSupportedMech", "NTLMSSP");
            assertThat(c.evidence().get("mechanismChoice").toString()).contains("selected NTLMSSP");
            expect(c, Status.FAILED, "LOGON_FAILURE");
            // --auth kerberos never falls back
            Report k = probe(AuthMode.KERBEROS, "localhost", demo.port(), pw, false, null);
            expect(stage(k, Stage.CREDSSP), Status.FAILED, "KERBEROS_NOT_ACCEPTED");
        }
    }

    @Test
    void theShadowServerStillPassesNtlmUnderNegotiate() {
        String pw = password();
        Lab.requireShadow("nla");
        // 127.0.0.1 has no SPN: the KERBEROS stage warns and CredSSP authenticates with NTLM, as mstsc falls back
        Report r = probe(AuthMode.NEGOTIATE, "127.0.0.1", Lab.SHADOW_PORT, pw, false, null);
        expect(stage(r, Stage.KERBEROS), Status.WARNING, "KDC_ERR_S_PRINCIPAL_UNKNOWN");
        StageResult c = stage(r, Stage.CREDSSP);
        assertThat(c.status()).as(c.summary()).isEqualTo(Status.OK);
        assertThat(c.evidence()).containsEntry(CredSspClient.MECHANISM, CredSspClient.NTLM)
                .containsEntry("credentialsValid", true);
        assertThat(c.evidence().get("mechanismChoice").toString()).contains("no Kerberos ticket")
                .contains("KDC_ERR_S_PRINCIPAL_UNKNOWN");
    }
}
