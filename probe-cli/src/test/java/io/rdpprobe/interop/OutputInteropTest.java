package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * Issue 17 findings 9 and 12 against real servers: the default report of a wrong password against xrdp in tls mode is
 * the stage lines and the verdict, -q the verdict alone; --stop-after stops at each session stage of FreeRDP's shadow
 * server with NLA and delegation.
 */
@Tag("interop")
class OutputInteropTest {
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void wrongPasswordAgainstXrdpTlsIsShortByDefault(@TempDir Path dir) throws Exception {
        Lab.requireXrdp("tls");
        Path wrong = Files.writeString(dir.resolve("pw"), "wrong\n");
        String target = "127.0.0.1:" + Lab.XRDP_PORT;
        Run r = run("probe", target, "--user", "rdptest", "--password-file", wrong.toString());
        System.out.println("[interop] xrdp tls, wrong password, default output:\n" + r.out());
        assertThat(r.code()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.size()).isLessThanOrEqualTo(14); // was 91 lines with the evidence
        assertThat(lines.get(0)).isEqualTo("rdp-probe " + target);
        assertThat(r.out()).contains("  ACTIVATION        OK").contains("Verdict: WARNING: CREDSSP CREDENTIALS_NOT_TESTED")
                .doesNotContain("serverPublicKey").doesNotContain("      selected:");
        Run q = run("probe", target, "--user", "rdptest", "--password-file", wrong.toString(), "-q");
        assertThat(q.out()).startsWith("Verdict: WARNING: CREDSSP CREDENTIALS_NOT_TESTED").doesNotContain("  DNS ");
        assertThat(q.out().lines().count()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls", "credssp", "mcs", "licensing", "activation"})
    void stopAfterStopsAtEachStageOfTheShadowServer(String stop) throws Exception {
        Lab.requireShadow("nla");
        String target = "127.0.0.1:" + Lab.SHADOW_PORT;
        JsonNode tls = new ObjectMapper().readTree(run("probe", target, "--json", "--stop-after", "tls").out());
        String fp = tls.get("stages").get(3).get("evidence").get("leafSha256").asText();
        Run r = run("probe", target, "--user", System.getenv("RDP_PROBE_INTEROP_USER"), "--domain",
                System.getenv("RDP_PROBE_INTEROP_DOMAIN"), "--password-env", "RDP_PROBE_INTEROP_PASSWORD",
                "--delegate-credentials", "--trust-cert", fp, "--json", "--stop-after", stop);
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode stages = j.get("stages");
        System.out.println("[interop] shadow nla --stop-after " + stop + ": " + j.get("verdict").get("summary").asText());
        assertThat(r.code()).isZero();
        assertThat(stages.get(stages.size() - 1).get("stage").asText()).isEqualTo(stop.toUpperCase(java.util.Locale.ROOT));
        assertThat(j.get("verdict").get("stage").asText()).isEqualTo(stop.toUpperCase(java.util.Locale.ROOT));
        assertThat(j.get("commandLine").toString()).doesNotContain(System.getenv("RDP_PROBE_INTEROP_PASSWORD"))
                .contains("\"--password-env\",\"***\"");
    }
}
