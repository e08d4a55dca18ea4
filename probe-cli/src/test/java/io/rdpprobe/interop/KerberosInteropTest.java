package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.credssp.Secret;
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
}
