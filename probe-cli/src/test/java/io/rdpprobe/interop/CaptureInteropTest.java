package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.CaptureAnalyzer;
import io.rdpprobe.cli.Main;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Issue 17 #6, #7, #8 against the real lab servers: {@code probe --capture}, then {@code analyze} of that capture.
 * Shadow nla with the lab account and no delegation: analyze says the probe stopped after CREDSSP as asked, not
 * CLIENT_CLOSED. xrdp tls with --enumerate: the legacy connections that xrdp ends with a Disconnect Provider
 * Ultimatum and a RST show the server's RST and SERVER_DISCONNECTED, never CLIENT_RESET.
 */
@Tag("interop")
class CaptureInteropTest {
    @TempDir
    Path dir;

    private static String run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(new StringWriter()));
        cl.execute(args);
        return out.toString();
    }

    private static StageResult stage(AnalyzedConnection c, Stage s) {
        return c.report().stages().stream().filter(r -> r.stage() == s).findFirst().orElseThrow();
    }

    @Test
    void shadowNlaProbeStoppedAfterCredSspByDesignIsNotAFailureInItsCapture() throws Exception {
        Lab.requireShadow("nla");
        assumeTrue(System.getenv("RDP_PROBE_INTEROP_PASSWORD") != null, "RDP_PROBE_INTEROP_PASSWORD not set");
        Path f = dir.resolve("shadow-nla.pcapng");
        String live = run("probe", "localhost:" + Lab.SHADOW_PORT, "--user", System.getenv().getOrDefault(
                "RDP_PROBE_INTEROP_USER", "rdptest"), "--password-env", "RDP_PROBE_INTEROP_PASSWORD", "--capture",
                f.toString(), "--brief", "--timeout", "8s");
        System.out.println("[interop] shadow nla probe --capture\n" + live);
        assertThat(live).contains("CredSSP OK: credentials proven");
        List<AnalyzedConnection> all = CaptureAnalyzer.analyzeAll(f);
        assertThat(all).hasSize(1);
        AnalyzedConnection c = all.get(0);
        String text = run("analyze", f.toString());
        System.out.println("[interop] analyze of it\n" + text);
        assertThat(stage(c, Stage.CREDSSP).status()).isEqualTo(Status.OK);
        // the capture holds the session's TLS secrets (a DSB): CREDSSP is read from the decrypted TSRequests, and the
        // stages the probe did not try carry its stop marker
        assertThat(stage(c, Stage.CREDSSP).summary()).contains("CredSSP OK for").contains("pubKeyAuth");
        assertThat(stage(c, Stage.MCS).status()).isEqualTo(Status.NOT_REACHED);
        assertThat(stage(c, Stage.MCS).summary()).contains("rdp-probe stopped after CREDSSP as asked");
        assertThat(c.report().verdict().status()).isEqualTo(Status.OK);
        assertThat(text).contains("rdp-probe's own connection 127.0.0.1:").doesNotContain("CLIENT_CLOSED")
                .doesNotContain("credential prompt cancelled");
        String password = System.getenv("RDP_PROBE_INTEROP_PASSWORD");
        assertThat(new String(java.nio.file.Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(password);
    }

    @Test
    void xrdpTlsEnumerateCaptureShowsTheServersResetsAsTheServers() throws Exception {
        Lab.requireXrdp("tls");
        Path f = dir.resolve("xrdp-tls-enumerate.pcapng");
        String live = run("probe", "127.0.0.1:" + Lab.XRDP_PORT, "--enumerate", "--capture", f.toString(), "--brief",
                "--timeout", "8s");
        System.out.println("[interop] xrdp tls probe --enumerate --capture\n" + live);
        assertThat(live).contains("legacy RDP security allowed: no").doesNotContain("malformed");
        List<AnalyzedConnection> all = CaptureAnalyzer.analyzeAll(f);
        assertThat(all).hasSizeGreaterThan(10);
        assertThat(all).allSatisfy(c -> {
            assertThat(c.report().verdict().cause()).isNotEqualTo("CLIENT_RESET").isNotEqualTo("CLIENT_CLOSED");
            assertThat(c.report().section(io.rdpprobe.probe.model.CaptureSection.class).orElseThrow().facts().toString()).contains("rdp-probe's own connection");
        });
        // the four legacy connections of the encryption table: xrdp's Ultimatum instead of a Connect-Response
        List<AnalyzedConnection> legacy = all.stream().filter(c -> c.report().verdict().stage() == Stage.MCS).toList();
        assertThat(legacy).hasSize(4).allSatisfy(c -> {
            assertThat(c.report().verdict().cause()).isEqualTo("SERVER_DISCONNECTED");
            assertThat(stage(c, Stage.MCS).evidence()).containsEntry("ultimatum", "rn-user-requested (0x3)");
        });
        // the first (the main probe) reached ACTIVATION and closed by design
        assertThat(all.get(0).report().verdict().status()).isNotEqualTo(Status.FAILED);
    }
}
