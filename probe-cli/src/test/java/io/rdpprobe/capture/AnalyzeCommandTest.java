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
        CommandLine cl = io.rdpprobe.cli.Main.commandLine(); // the real entry point: its usage-error handling included
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "analyze";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        assertThat(code).as(err.toString()).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void threadsGiveTheOneThreadOutputAndAtLeastOneIsRequired() {
        for (String form : List.of("--summary", "--json", "-v")) {
            String[] one = run(0, form, capture.toString());
            String[] two = run(0, "--threads", "2", form, capture.toString());
            assertThat(two[0]).as(form).isEqualTo(one[0]).isNotEmpty();
            assertThat(two[1]).as(form).isEqualTo(one[1]);
        }
        String[] none = run(2, "--threads", "0", capture.toString());
        assertThat(none[1]).contains("--threads must be at least 1, not 0");
        // a broken capture: the same note and exit code with threads
        Path missing = dir.resolve("missing.pcap");
        assertThat(run(3, "--threads", "2", missing.toString())[1]).isEqualTo(run(3, missing.toString())[1]);
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
        // issue 17 #8: a connection in someone's capture is a capture connection, not the probe's own
        assertThat(text).contains("[1] capture connection 10.0.0.1:50000 -> 10.0.0.2:3389 (client -> server)")
                .doesNotContain("rdp-probe 10.0.0.1").contains("Verdict: FAILED at X224")
                .contains("2 RDP connection(s)");
        String zeek = run(0, "--zeek", capture.toString())[0];
        assertThat(zeek).contains("#fields").contains("10.0.0.1\t50001\t10.0.0.2\t3389\tbob\tSSL_NOT_ALLOWED_BY_SERVER");
    }

    @Test
    void badInputsHaveDistinctExitCodes() throws IOException {
        assertThat(run(AnalyzeCommand.EXIT_UNREADABLE, dir.resolve("missing.pcap").toString())[1]).contains("no such file");
        Path junk = Files.writeString(dir.resolve("junk.pcap"), "not a capture at all");
        assertThat(run(AnalyzeCommand.EXIT_UNREADABLE, junk.toString())[1]).contains("magic");
        JsonNode broken = json(AnalyzeCommand.EXIT_UNREADABLE, "--json", junk.toString());
        assertThat(broken.get("connections")).isEmpty();
        assertThat(broken.get("error").asText()).contains("magic");
    }

    private JsonNode json(int expectedExit, String... args) throws IOException {
        String out = run(expectedExit, args)[0];
        // exactly one JSON object: parse it, then nothing but white space may follow
        com.fasterxml.jackson.core.JsonParser p = new ObjectMapper().getFactory().createParser(out);
        JsonNode root = new ObjectMapper().readTree(p);
        assertThat(root).as(out).isNotNull();
        assertThat(root.isObject()).isTrue();
        assertThat(p.nextToken()).as("a second JSON value after the object").isNull();
        return root;
    }

    /** Finding 7: one exit-code table, each row tested. Finding 8: --json prints one object for each of them. */
    @Test
    void everyOutcomeHasItsExitCodeAndOneJsonObject() throws IOException {
        // 0: analysed
        assertThat(json(0, "--json", capture.toString()).get("error").isNull()).isTrue();
        // 2: usage (no file; an unknown option)
        assertThat(json(2, "--json").get("error").asText()).startsWith("usage: ");
        assertThat(json(2, "--json", "--bogus", capture.toString()).get("error").asText()).contains("--bogus");
        assertThat(run(2, "--bogus", capture.toString())[1]).contains("--bogus");
        // 3: missing, a directory, no permission, not a capture, an empty file
        assertThat(json(3, "--json", dir.resolve("missing.pcap").toString()).get("error").asText()).contains("no such file");
        // a directory stands for its captures (RegressionModeTest); one without any is unreadable
        Path none = Files.createDirectories(dir.resolve("no-captures"));
        Files.writeString(none.resolve("notes.txt"), "not a capture");
        assertThat(json(3, "--json", none.toString()).get("error").asText())
                .contains("is a directory with no *.pcap, *.pcapng or *.cap file");
        String[] noneRun = run(3, none.toString());
        assertThat(noneRun[1]).contains("is a directory").contains("skipped 1 file(s) not named *.pcap, *.pcapng or *.cap: notes.txt");
        Path secret = Files.write(dir.resolve("secret.pcap"), Files.readAllBytes(capture));
        if (secret.toFile().setReadable(false, false) && !Files.isReadable(secret)) { // root reads everything
            assertThat(json(3, "--json", secret.toString()).get("error").asText()).contains("permission denied");
        }
        assertThat(json(3, "--json", Files.write(dir.resolve("empty.pcap"), new byte[0]).toString()).get("error").asText())
                .contains("empty");
        // 4: cut inside the file header; cut inside a record; a broken block
        byte[] all = Files.readAllBytes(capture);
        Path header = Files.write(dir.resolve("header.pcapng"), java.util.Arrays.copyOf(all, 20));
        assertThat(json(4, "--json", header.toString()).get("error").asText())
                .isEqualTo("truncated at byte 20: the pcapng section header block at byte 0 needs 28 byte(s), the file has 20");
        assertThat(run(4, header.toString())[1]).contains("truncated at byte 20");
        Path cut = Files.write(dir.resolve("cut.pcapng"), java.util.Arrays.copyOf(all, all.length - 30));
        JsonNode cutJson = json(4, "--json", cut.toString());
        assertThat(cutJson.get("error").asText()).startsWith("truncated at byte " + (all.length - 30) + ": the block (type 0x6) at byte ");
        assertThat(cutJson.get("connections")).hasSize(2); // what came before is still analysed
        Path bad = Files.write(dir.resolve("bad.pcapng"), brokenBlockAfterFirstPackets(all));
        JsonNode badJson = json(4, "--json", bad.toString());
        assertThat(badJson.get("error").asText()).contains("has bad length 4294967280");
        assertThat(badJson.get("summary").get("broken").asText()).contains("4294967280");
    }

    @Test
    void bothHelpsShowTheOneTable() {
        String sub = run(0, "--help")[0].replaceAll("\\s+", " ");
        StringWriter top = new StringWriter();
        CommandLine cl = io.rdpprobe.cli.Main.commandLine();
        cl.setOut(new PrintWriter(top));
        assertThat(cl.execute("--help")).isZero();
        String expected = AnalyzeCommand.EXIT_CODES.replaceAll("\\s+", " ");
        assertThat(sub).contains(expected);
        assertThat(top.toString().replaceAll("\\s+", " ")).contains("analyze: " + expected);
        assertThat(expected).contains("2 usage error").contains("3 unreadable").contains("4 truncated or broken capture");
    }

    /** The capture with its last block's length field set to 0xFFFFFFF0. */
    private static byte[] brokenBlockAfterFirstPackets(byte[] all) {
        // walk the pcapng blocks (big-endian, as written) to the last one
        int p = 0;
        int last = 0;
        while (p < all.length) {
            last = p;
            int len = java.nio.ByteBuffer.wrap(all, p + 4, 4).getInt();
            p += len;
        }
        byte[] b = all.clone();
        java.nio.ByteBuffer.wrap(b, last + 4, 4).putInt(0xFFFFFFF0);
        return b;
    }

    /** Finding 9: a pcap cut right after its header says so; an unknown link type says how many packets it skipped. */
    @Test
    void truncationAndUnsupportedLinkTypesAreSaid() throws IOException {
        Path pcap = TestCaptures.write(dir.resolve("one.pcap"), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 1, 0,
                TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets());
        Path cut = Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(Files.readAllBytes(pcap), 24 + 10));
        String[] text = run(4, cut.toString());
        assertThat(text[0]).contains("0 RDP connection(s) in 0 packets")
                .contains("capture truncated at byte 34: the record header at byte 24 needs 16 byte(s), the file has 10");
        assertThat(json(4, "--json", cut.toString()).get("summary").get("truncation").asText()).startsWith("truncated at byte 34");

        // exactly the 24-byte header: an empty capture, not a truncated one
        Path empty = Files.write(dir.resolve("empty.pcap"), java.util.Arrays.copyOf(Files.readAllBytes(pcap), 24));
        assertThat(run(0, empty.toString())[0]).contains("0 RDP connection(s) in 0 packets").doesNotContain("truncated");

        List<TcpConversation.Packet> eleven = TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets().subList(0, 11);
        Path dead = dir.resolve("dead.pcap");
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(dead), CaptureWriter.Format.PCAP_MICRO, ByteOrder.LITTLE_ENDIAN, 0xdead)) {
            for (TcpConversation.Packet p : eleven) w.write(p.timestampNanos(), 0xdead, p.ip());
        }
        String[] deadText = run(3, dead.toString());
        assertThat(deadText[0]).contains("warning: link type 57005 not supported: 11 packets skipped");
        assertThat(deadText[1]).contains("link type 57005 not supported: 11 packets skipped");
        JsonNode deadJson = json(3, "--json", dead.toString());
        assertThat(deadJson.get("error").asText()).isEqualTo("link type 57005 not supported: 11 packets skipped");
        assertThat(deadJson.get("warnings").get(0).asText()).isEqualTo("link type 57005 not supported: 11 packets skipped");
        assertThat(deadJson.get("summary").get("unsupportedLinkTypes").get("57005").asLong()).isEqualTo(11);

        // some packets decodable: analysed (0), the rest named as a warning
        Path mixed = dir.resolve("mixed.pcapng");
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(mixed), CaptureWriter.Format.PCAPNG, ByteOrder.LITTLE_ENDIAN, 1)) {
            for (TcpConversation.Packet p : TestCaptures.tlsHandshake(TestCaptures.C4, TestCaptures.S4, 50000).packets()) {
                w.write(p.timestampNanos(), 101, p.ip());
            }
            w.write(1L, 0xdead, new byte[20]);
        }
        JsonNode mixedJson = json(0, "--json", mixed.toString());
        assertThat(mixedJson.get("connections")).hasSize(1);
        assertThat(mixedJson.get("warnings").get(0).asText()).isEqualTo("link type 57005 not supported: 1 packet skipped");
    }
}
