package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CliTest {
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
    void demoPrintsAReportAndExitsZero() {
        Run r = run("demo", "--timeout", "3s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo target: embedded RDP endpoint on 127.0.0.1:")
                .contains("X224              OK").contains("selected SSL").contains("TLS               WARNING")
                .contains("CERT_SELF_SIGNED").contains("Verdict: WARNING");
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        Run r = run("demo", "--json", "--fault", "CLOSE", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(12);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("target").asText()).startsWith("127.0.0.1:");
        assertThat(j.get("stages")).hasSize(5);
        assertThat(j.get("stages").get(3).get("status").asText()).isEqualTo("NOT_REACHED");
        JsonNode x224 = j.get("stages").get(2);
        assertThat(x224.get("stage").asText()).isEqualTo("X224");
        assertThat(x224.get("status").asText()).isEqualTo("FAILED");
        assertThat(x224.has("elapsedMs")).isTrue();
        assertThat(x224.get("evidence").get("how").asText()).isEqualTo("FIN");
        JsonNode v = j.get("verdict");
        assertThat(v.get("stage").asText()).isEqualTo("X224");
        assertThat(v.get("cause").asText()).isEqualTo("CONNECTION_CLOSED");
        assertThat(v.get("remedy").asText()).isNotBlank();
        assertThat(v.get("clientError").get("code").asText()).isEqualTo("0x904");
    }

    @Test
    void enumerateAddsATable() throws Exception {
        Run r = run("demo", "--enumerate", "--json", "--timeout", "3s");
        assertThat(r.code()).isZero();
        JsonNode e = new ObjectMapper().readTree(r.out()).get("enumeration");
        assertThat(e.get("requests")).hasSize(7);
        assertThat(e.get("nlaRequired").asText()).isEqualTo("no");
        assertThat(e.get("legacyRdpSecurityAllowed").asText()).isEqualTo("yes");
        assertThat(e.get("requests").get(2).get("selected").asText()).isEqualTo("SSL");
    }

    @Test
    void usageErrorsExitTwoWithoutAStackTrace() {
        Run r = run("probe");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter").doesNotContain("Exception");
        assertThat(run("probe", "h", "--protocols", "bogus").code()).isEqualTo(2);
        assertThat(run("probe", "h", "--timeout", "abc").code()).isEqualTo(2);
        assertThat(run("probe", "h:notaport").code()).isEqualTo(2);
        assertThat(run("nosuchcommand").code()).isEqualTo(2);
    }
}
