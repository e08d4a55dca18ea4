package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.cli.Main;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.TlsFollowUps;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.report.TextRenderer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS stage against real xrdp with the lab's good, expired and wrong-host certificates
 * (testdata/lab/lab.sh certs), and the real shadow server.
 */
@Tag("interop")
class TlsInteropTest {
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static Report probe(String host, int port) {
        Report r = runner.probe(new Target(host, port), ProbeSettings.defaults().withTimeout(5000));
        System.out.println("[interop] probe " + host + ":" + port + " (xrdp " + Lab.XRDP_MODE + ", shadow " + Lab.SHADOW_MODE + ")\n"
                + new TextRenderer(false).render(r));
        return r;
    }

    private static StageResult tls(Report r) {
        return r.stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElseThrow();
    }

    @Test
    void xrdpGoodCertificateIsOnlySelfSigned() {
        Lab.requireXrdp("tls");
        Report r = probe("127.0.0.1", Lab.XRDP_PORT);
        StageResult t = tls(r);
        assertThat(t.status()).isEqualTo(Status.WARNING);
        assertThat(t.cause().code()).isEqualTo("CERT_SELF_SIGNED");
        assertThat(t.evidence().get("version")).isEqualTo("TLS 1.3");
        assertThat(t.evidence().get("cipherSuite").toString()).startsWith("TLS_AES_"); // xrdp honours the client's TLS 1.3 preference
        assertThat((List<?>) t.evidence().get("findings")).hasSize(1);
        assertThat(r.exitCode()).isZero();
        // by name as well: the lab certificate lists DNS:localhost
        assertThat(tls(probe("localhost", Lab.XRDP_PORT)).cause().code()).isEqualTo("CERT_SELF_SIGNED");
    }

    @Test
    void xrdpExpiredCertificateIsCertExpiredWithItsDates() {
        Lab.requireXrdp("tls-expired");
        Report r = probe("127.0.0.1", Lab.XRDP_PORT);
        assertThat(r.verdict().cause()).isEqualTo("CERT_EXPIRED");
        assertThat(r.verdict().summary()).contains("expired 2021-01-01T00:00:00Z").contains("days ago")
                .contains("valid from 2020-01-01T00:00:00Z");
    }

    @Test
    void xrdpWrongHostCertificateIsANameMismatchNamingBoth() {
        Lab.requireXrdp("tls-wronghost");
        Report r = probe("localhost", Lab.XRDP_PORT);
        assertThat(r.verdict().cause()).isEqualTo("CERT_NAME_MISMATCH");
        assertThat(r.verdict().summary()).contains("wrong.example.invalid").contains("connected to localhost");
        Report strict = runner.probe(new Target("127.0.0.1", Lab.XRDP_PORT), ProbeSettings.defaults()
                .withTls(ProbeSettings.defaults().tls().withTrust(new io.rdpprobe.probe.tls.TrustSettings(
                        List.of(), java.util.Set.of(), true))));
        assertThat(strict.verdict().status()).isEqualTo(Status.FAILED);
        assertThat(strict.verdict().cause()).isEqualTo("CERT_NAME_MISMATCH");
        assertThat(strict.exitCode()).isEqualTo(13);
    }

    @Test
    void xrdpTlsVersionTable() {
        Lab.requireXrdp("tls");
        io.rdpprobe.probe.model.TlsVersionsSection table = TlsFollowUps.enumerate(runner, new Target("127.0.0.1", Lab.XRDP_PORT),
                ProbeSettings.defaults().withTimeout(5000));
        System.out.println("[interop] xrdp tls\n" + io.rdpprobe.report.TextRenderer.text(table));
        assertThat(table.rows().get(3).accepted()).as("TLS 1.3").isTrue();
        assertThat(table.rows().get(2).accepted()).as("TLS 1.2").isTrue();
    }

    @Test
    void shadowTlsCompletesTheHandshake() {
        Lab.requireShadow("tls", "nla");
        Report r = probe("localhost", Lab.SHADOW_PORT);
        StageResult t = tls(r);
        assertThat(t.status()).isEqualTo(Status.WARNING);
        assertThat(t.cause().code()).isEqualTo("CERT_SELF_SIGNED");
        assertThat(t.evidence().get("serverPublicKey").toString()).startsWith("3082010a");
    }

    /** tshark decrypts the probe's own capture with its key log: TLS 1.3 handshake messages become visible. */
    @Test
    void tsharkDecryptsTheProbeCaptureWithTheKeyLog(@TempDir Path dir) throws Exception {
        Lab.requireXrdp("tls");
        assumeTrue(new File("/usr/bin/tshark").canExecute(), "tshark not installed");
        Path pcap = dir.resolve("probe.pcap");
        Path keys = dir.resolve("probe.keys");
        int code = Main.run("probe", "127.0.0.1:" + Lab.XRDP_PORT, "--capture", pcap.toString(), "--keylog", keys.toString(), "-q");
        assertThat(code).isZero();
        assertThat(Files.size(pcap)).isGreaterThan(1000);
        String port = String.valueOf(Lab.XRDP_PORT);
        String without = tshark(pcap, null, port);
        String with = tshark(pcap, keys, port);
        System.out.println("[interop] tshark handshake types without keys: " + without.replace('\n', ' ')
                + "| with keys: " + with.replace('\n', ' '));
        assertThat(without).doesNotContain("8"); // EncryptedExtensions is invisible without keys
        assertThat(with).contains("8").contains("11").contains("20"); // EncryptedExtensions, Certificate, Finished
    }

    private static String tshark(Path pcap, Path keys, String port) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tshark", "-r", pcap.toString(), "-d", "tcp.port==" + port + ",tls",
                "-T", "fields", "-e", "tls.handshake.type"));
        if (keys != null) {
            cmd.add("-o");
            cmd.add("tls.keylog_file:" + keys);
        }
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return String.join(" ", out.replace(',', '\n').lines().filter(l -> !l.isBlank()).distinct().sorted().toList());
    }
}
