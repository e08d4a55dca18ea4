package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.cli.AnalyzeCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AnalyzeCommandTest {
    @TempDir
    Path dir;
    Path capture;

    @BeforeEach
    void twoConnections() throws IOException {
        List<TcpConversation.Packet> all = new ArrayList<>(TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets());
        TcpConversation f = new TcpConversation(TestCaptures.C4, 50001, TestCaptures.S4, 3389, 1_800_000_000_000_000_000L, 5, 6);
        f.handshake().client(TcpConversation.connectionRequest("bob", 1)).server(TcpConversation.negotiationFailure(2)).fin(true).fin(false);
        all.addAll(f.packets());
        capture = TestCaptures.write(dir.resolve("two.pcapng"), CaptureWriter.Format.PCAPNG, ByteOrder.BIG_ENDIAN, 1, 0, all);
    }

    private String[] run(int expectedExit, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new AnalyzeCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        assertThat(code).as(err.toString()).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void jsonWrapsOneReportPerConnection() throws IOException {
        String out = run(0, "--json", capture.toString())[0];
        JsonNode root = new ObjectMapper().readTree(out);
        assertThat(root.get("capture").asText()).isEqualTo(capture.toString());
        JsonNode cs = root.get("connections");
        assertThat(cs).hasSize(2);
        JsonNode first = cs.get(0);
        assertThat(first.get("target").asText()).isEqualTo("10.0.0.1:50000 -> 10.0.0.2:3389");
        assertThat(first.get("stages").get(1).get("stage").asText()).isEqualTo("X224");
        assertThat(first.get("stages").get(1).get("evidence").get("cookie").asText()).isEqualTo("alice");
        for (String k : List.of("stage", "status", "elapsedMs", "evidence", "cause", "summary")) {
            assertThat(first.get("stages").get(0).has(k)).as(k).isTrue();
        }
        JsonNode second = cs.get(1);
        assertThat(second.get("verdict").get("cause").asText()).isEqualTo("SSL_NOT_ALLOWED_BY_SERVER");
        assertThat(second.get("verdict").get("clientError").get("code").asText()).isEqualTo("0x904");
    }

    @Test
    void summaryIsOneLinePerConnection() {
        String out = run(0, "--summary", capture.toString())[0];
        String[] lines = out.strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("10.0.0.1:50000 -> 10.0.0.2:3389 OK CREDSSP -");
        assertThat(lines[1]).contains("FAILED X224 SSL_NOT_ALLOWED_BY_SERVER");
    }

    @Test
    void textAndZeekOutputs() {
        String text = run(0, capture.toString())[0];
        assertThat(text).contains("[1] rdp-probe 10.0.0.1:50000 -> 10.0.0.2:3389").contains("Verdict: FAILED at X224")
                .contains("2 RDP connection(s)");
        String zeek = run(0, "--zeek", capture.toString())[0];
        assertThat(zeek).contains("#fields").contains("10.0.0.1\t50001\t10.0.0.2\t3389\tbob\tSSL_NOT_ALLOWED_BY_SERVER");
    }

    @Test
    void badInputsHaveDistinctExitCodes() throws IOException {
        assertThat(run(2, dir.resolve("missing.pcap").toString())[1]).contains("cannot read");
        Path junk = Files.writeString(dir.resolve("junk.pcap"), "not a capture at all");
        assertThat(run(AnalyzeCommand.EXIT_BAD_CAPTURE, junk.toString())[1]).contains("magic");
        JsonNode broken = new ObjectMapper().readTree(run(AnalyzeCommand.EXIT_BAD_CAPTURE, "--json", junk.toString())[0]);
        assertThat(broken.get("connections")).isEmpty();
        assertThat(broken.get("error").asText()).contains("magic");
    }
}
