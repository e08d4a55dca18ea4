package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.capture.ExpectedCapturesTest.Run;
import io.rdpprobe.cli.AnalyzeCommand;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Issue 12's regression mode on synthetic captures: several inputs, the baseline file, --expect, --junit. */
class RegressionModeTest {
    @TempDir
    Path dir;
    Path caps;
    Path two;
    Path one;

    @BeforeEach
    void captures() throws Exception {
        caps = Files.createDirectories(dir.resolve("caps"));
        List<TcpConversation.Packet> all = new ArrayList<>(TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets());
        TcpConversation f = new TcpConversation(TestCaptures.C4, 50001, TestCaptures.S4, 3389, 1_800_000_000_000_000_000L, 5, 6);
        f.handshake().client(TcpConversation.connectionRequest("bob", 1)).server(TcpConversation.negotiationFailure(2)).fin(true).fin(false);
        all.addAll(f.packets());
        two = TestCaptures.write(caps.resolve("two.pcapng"), CaptureWriter.Format.PCAPNG, ByteOrder.BIG_ENDIAN, 1, 0, all);
        Files.createDirectories(caps.resolve("older"));
        one = TestCaptures.write(caps.resolve("older/one.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0,
                TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 40000).packets());
        Files.writeString(caps.resolve("README.txt"), "not a capture");
        AnalyzeCommand.terminalOverride = false;
    }

    @AfterEach
    void reset() {
        AnalyzeCommand.terminalOverride = null;
    }

    @Test
    void theBaselineIsStableRelativeAndRoundTrips() throws Exception {
        Path base = dir.resolve("expected.json");
        Run w = ExpectedCapturesTest.analyze("-q", "--write-expected", base.toString(), caps.toString());
        assertThat(w.code()).as(w.err()).isZero();
        String text = Files.readString(base);
        assertThat(text).doesNotContain(dir.toString()).doesNotContain(dir.toAbsolutePath().toString())
                .contains("\"caps/older/one.pcap\"").contains("\"caps/two.pcapng\"")
                .contains("\"2023-11-14T22:13:20.000100Z 10.0.0.1:50000 -> 10.0.0.2:3389\"")
                .contains("\"verdict\": {\"cause\":\"SSL_NOT_ALLOWED_BY_SERVER\",\"inferred\":false,\"mstsc\":\"0x904\",\"stage\":\"X224\",\"status\":\"FAILED\"}")
                .contains("\"X224\": {\"cause\":\"SSL_NOT_ALLOWED_BY_SERVER\",\"status\":\"FAILED\"}")
                .endsWith("}\n");
        // sorted: captures by name, connections by first packet
        assertThat(text.indexOf("caps/older/one.pcap")).isLessThan(text.indexOf("caps/two.pcapng"));
        assertThat(text.indexOf("10.0.0.1:50000")).isLessThan(text.indexOf("10.0.0.1:50001"));
        assertThat(new ObjectMapper().readTree(text).get("captures")).hasSize(2);
        assertThat(w.err()).contains("skipped 1 file(s) not named *.pcap, *.pcapng or *.cap: README.txt");
        // the same from another working directory form (absolute paths), and a second time: the same bytes
        Run again = ExpectedCapturesTest.analyze("-q", "--write-expected", base.toAbsolutePath().toString(),
                one.toAbsolutePath().toString(), two.toString());
        assertThat(again.code()).isZero();
        assertThat(Files.readString(base)).isEqualTo(text);
        Run check = ExpectedCapturesTest.analyze("-q", "--expect", base.toString(), caps.toString());
        assertThat(check.code()).as(check.out()).isZero();
        assertThat(check.out()).contains("3 connection(s) in 2 capture(s) compared: no difference");
    }

    @Test
    void handAddedEvidenceIsComparedAndKeptOnRewrite() throws Exception {
        Path base = dir.resolve("expected.json");
        assertThat(ExpectedCapturesTest.analyze("-q", "--write-expected", base.toString(), two.toString()).code()).isZero();
        String key = "\"2023-11-14T22:13:20.000100Z 10.0.0.1:50000 -> 10.0.0.2:3389\": {\n";
        String text = Files.readString(base);
        assertThat(text).contains(key);
        Files.writeString(base, text.replace(key, key
                + "          \"evidence\": {\"cookie\": \"alice\", \"X224.selected\": \"SSL\", \"TLS.noSuchKey\": null, \"TLS.cipherSuitesOffered\": 99},\n"));
        Run r = ExpectedCapturesTest.analyze("-q", "--expect", base.toString(), two.toString());
        assertThat(r.code()).isEqualTo(AnalyzeCommand.EXIT_DIFFERENT);
        assertThat(r.out()).contains("2 difference(s)")
                .contains("[2023-11-14T22:13:20.000100Z 10.0.0.1:50000 -> 10.0.0.2:3389] evidence.X224.selected: expected SSL, got HYBRID")
                .contains("evidence.TLS.cipherSuitesOffered: expected 99, got ")
                .doesNotContain("evidence.cookie").doesNotContain("noSuchKey");
        // rewritten: the names stay, with this run's values (an absent one as null)
        assertThat(ExpectedCapturesTest.analyze("-q", "--write-expected", base.toString(), two.toString()).code()).isZero();
        assertThat(Files.readString(base)).contains("\"evidence\": {\"TLS.cipherSuitesOffered\":")
                .contains("\"TLS.noSuchKey\":null,\"X224.selected\":\"HYBRID\",\"cookie\":\"alice\"}");
        assertThat(ExpectedCapturesTest.analyze("-q", "--expect", base.toString(), two.toString()).code()).isZero();
    }

    @Test
    void connectionsAndCapturesOnEitherSideAloneAreDifferences() throws Exception {
        Path base = dir.resolve("expected.json");
        assertThat(ExpectedCapturesTest.analyze("-q", "--write-expected", base.toString(), two.toString()).code()).isZero();
        String text = Files.readString(base);
        // one connection gone from the baseline, one added that the capture does not have
        Files.writeString(base, text.replace("10.0.0.1:50001", "10.0.0.1:50009"));
        Path junit = dir.resolve("j.xml");
        Run r = ExpectedCapturesTest.analyze("--summary", "--expect", base.toString(), "--junit", junit.toString(),
                two.toString(), one.toString());
        assertThat(r.code()).isEqualTo(5);
        assertThat(r.out())
                .contains("caps/two.pcapng [2027-01-15T08:00:00.000100Z 10.0.0.1:50001 -> 10.0.0.2:3389] connection: "
                        + "expected absent (not in the baseline), got FAILED at X224 (SSL_NOT_ALLOWED_BY_SERVER)")
                .contains("caps/two.pcapng [2027-01-15T08:00:00.000100Z 10.0.0.1:50009 -> 10.0.0.2:3389] connection: "
                        + "expected FAILED at X224 (SSL_NOT_ALLOWED_BY_SERVER), got missing (not in the capture)")
                .contains("caps/older/one.pcap capture: expected absent (not in the baseline), got 1 connection(s)");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("testsuites");
        assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
        // one.pcap: its capture-level failure and its connection; two.pcapng: 3 connections, 2 of them failing
        assertThat(d.getElementsByTagName("failure").getLength()).isEqualTo(3);
        Element missing = null;
        for (int i = 0; i < d.getElementsByTagName("testcase").getLength(); i++) {
            Element tc = (Element) d.getElementsByTagName("testcase").item(i);
            if (tc.getAttribute("name").contains("50009")) {
                missing = tc;
            }
        }
        assertThat(missing).isNotNull();
        assertThat(missing.getAttribute("name")).isEqualTo("10.0.0.1:50009 -> 10.0.0.2:3389 X224");
        assertThat(((Element) missing.getElementsByTagName("failure").item(0)).getAttribute("message"))
                .isEqualTo("connection: expected FAILED at X224 (SSL_NOT_ALLOWED_BY_SERVER), got missing (not in the capture)");
    }

    @Test
    void aBrokenBaselineIsAnErrorNotACrash() throws Exception {
        Path base = Files.writeString(dir.resolve("expected.json"), "{\"format\": \"rdp-probe analyze baseline 1\", \"captures\": {\"x.pcap\": {\"connections\": {\"k\": {}}}}}");
        Run r = ExpectedCapturesTest.analyze("--expect", base.toString(), two.toString());
        assertThat(r.code()).isEqualTo(AnalyzeCommand.EXIT_UNREADABLE);
        assertThat(r.err()).contains("--expect: ").contains("captures.\"x.pcap\".connections.\"k\": no \"verdict\" object")
                .doesNotContain("Exception");
        Files.writeString(base, "not json");
        assertThat(ExpectedCapturesTest.analyze("--expect", base.toString(), two.toString()).err()).contains("not JSON");
        assertThat(ExpectedCapturesTest.analyze("--expect", dir.resolve("none.json").toString()).err()).contains("no such file");
    }

    @Test
    void severalCapturesAreOneJsonObjectAndJunitWithoutBaselineFailsFailedVerdicts() throws Exception {
        Path junit = dir.resolve("j.xml");
        Run r = ExpectedCapturesTest.analyze("--json", "--junit", junit.toString(), caps.toString());
        assertThat(r.code()).as(r.err()).isZero();
        com.fasterxml.jackson.core.JsonParser p = new ObjectMapper().getFactory().createParser(r.out());
        JsonNode root = new ObjectMapper().readTree(p);
        assertThat(p.nextToken()).as("one JSON value").isNull();
        assertThat(root.get("captures")).hasSize(2);
        assertThat(root.get("captures").get(0).get("capture").asText()).endsWith("one.pcap");
        assertThat(root.get("captures").get(1).get("connections")).hasSize(2);
        assertThat(root.get("error").isNull()).isTrue();
        assertThat(r.err()).doesNotContain("\r").doesNotContain("analyze [");
        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
        assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(3);
        assertThat(d.getElementsByTagName("failure").getLength()).isEqualTo(1);
        Element f = (Element) d.getElementsByTagName("failure").item(0);
        assertThat(f.getAttribute("type")).isEqualTo("SSL_NOT_ALLOWED_BY_SERVER");
        assertThat(((Element) f.getParentNode()).getAttribute("name")).isEqualTo("10.0.0.1:50001 -> 10.0.0.2:3389 X224");
    }

    @Test
    void severalCapturesTakeTheHighestExitCodeAndABaselineDecidesAlone() throws Exception {
        byte[] all = Files.readAllBytes(two);
        Path cut = Files.write(caps.resolve("cut.pcapng"), java.util.Arrays.copyOf(all, all.length - 30));
        Run r = ExpectedCapturesTest.analyze("-q", caps.toString(), dir.resolve("missing.pcap").toString());
        assertThat(r.code()).isEqualTo(AnalyzeCommand.EXIT_BROKEN_CAPTURE);
        assertThat(r.err()).contains("no such file").contains("truncated at byte");
        // a baseline that records the truncation (without a path) accepts it
        Path base = dir.resolve("expected.json");
        assertThat(ExpectedCapturesTest.analyze("-q", "--write-expected", base.toString(), caps.toString()).code())
                .isEqualTo(AnalyzeCommand.EXIT_BROKEN_CAPTURE);
        assertThat(Files.readString(base)).contains("\"error\": \"truncated at byte").doesNotContain(cut.toString());
        Run ok = ExpectedCapturesTest.analyze("-q", "--expect", base.toString(), caps.toString());
        assertThat(ok.code()).as(ok.out()).isZero();
    }
}
