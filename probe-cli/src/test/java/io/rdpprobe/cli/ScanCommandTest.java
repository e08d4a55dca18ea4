package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.Negotiator;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code scan} end to end against embedded endpoints: each target's row equals a single {@code probe} of it, the
 * summary lists what the probe found, and the outputs (JSON Lines, CSV, --resume) hold every target once.
 */
class ScanCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static DemoServer nla;      // NONE: HYBRID_EX, self-signed certificate expiring in 10 days
    private static DemoServer tlsOnly;  // selects SSL: no NLA
    private static DemoServer silent;   // accepts TCP, never answers
    private static int closedPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        Instant now = Instant.now();
        DemoCertificate soon = DemoCertificate.selfSigned("soon.example", now.minus(Duration.ofDays(300)),
                now.plus(Duration.ofDays(10)), 2048, "SHA256withRSA", "IP:127.0.0.1");
        nla = DemoServer.start(Fault.NONE, 0, soon);
        tlsOnly = DemoServer.start(new Negotiator(Protocols.SSL, true), Fault.NONE);
        silent = DemoServer.start(Fault.SILENT);
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
    }

    @AfterAll
    static void stop() {
        nla.close();
        tlsOnly.close();
        silent.close();
    }

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

    private static List<JsonNode> rows(String jsonl) throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (!line.isBlank()) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    /** What must be equal between a scan row and a single probe: every stage's status and cause, and the verdict. */
    private static String shape(JsonNode report) {
        StringBuilder sb = new StringBuilder();
        for (JsonNode s : report.get("stages")) {
            sb.append(s.get("stage").asText()).append('=').append(s.get("status").asText()).append('/')
                    .append(s.get("cause").asText()).append(' ');
        }
        JsonNode v = report.get("verdict");
        return sb.append("| ").append(v.get("status").asText()).append(' ').append(v.get("stage").asText()).append(' ')
                .append(v.get("cause").asText()).append(" inferred=").append(v.get("inferred").asBoolean())
                .append(" finding=").append(v.get("findingStage").asText()).toString();
    }

    @Test
    void everyRowEqualsASingleProbeAndTheSummaryListsTheFindings() throws Exception {
        String a = "127.0.0.1:" + nla.port();
        String b = "127.0.0.1:" + tlsOnly.port();
        String c = "127.0.0.1:" + silent.port();
        String d = "127.0.0.1:" + closedPort;
        Path out = dir.resolve("scan.jsonl");
        Path csv = dir.resolve("scan.csv");
        Path junit = dir.resolve("scan.xml");
        Run r = run("scan", a, b, c, d, a, "--timeout", "2s", "--out", out.toString(), "--csv", csv.toString(),
                "--junit", junit.toString());
        assertThat(r.code()).as(r.err()).isZero();
        List<JsonNode> rows = rows(Files.readString(out));
        assertThat(rows).hasSize(4); // the duplicate once
        Map<String, JsonNode> byTarget = new HashMap<>();
        rows.forEach(n -> byTarget.put(n.get("target").asText(), n));
        assertThat(byTarget).containsOnlyKeys(a, b, c, d);
        for (String t : List.of(a, b, c, d)) {
            Run p = run("probe", t, "--stop-after", "CREDSSP", "--timeout", "2s", "--json");
            assertThat(shape(byTarget.get(t))).as(t).isEqualTo(shape(JSON.readTree(p.out())));
        }
        assertThat(byTarget.get(a).at("/verdict/cause").asText()).isEqualTo("CERT_SELF_SIGNED");
        assertThat(byTarget.get(c).at("/verdict/cause").asText()).isEqualTo("NO_RESPONSE");
        assertThat(byTarget.get(d).at("/verdict/cause").asText()).isEqualTo("CONNECTION_REFUSED");

        // the summary (stdout, since the rows went to --out): counts, the expiring certificate, the host without NLA
        assertThat(r.out()).contains("Fleet summary: 4 of 4 target(s) probed, 1 duplicate(s) skipped")
                .contains("1  FAILED CONNECTION_REFUSED").contains("1  FAILED NO_RESPONSE")
                .contains("2  WARNING CERT_SELF_SIGNED")
                .contains("Certificates expiring within 30 days (by date): 1").containsPattern("in (9|10) days +" + a + "  CN=soon.example")
                .contains("Hosts without NLA: 1").contains(b + "  selected SSL (requested SSL|HYBRID|HYBRID_EX)")
                .contains("Hosts with legacy RDP security (Standard RDP Security): none");
        org.w3c.dom.Document x = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(junit.toFile());
        org.w3c.dom.NodeList cases = x.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(4);
        org.w3c.dom.NodeList failures = x.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(2);
        List<String> failedNames = new ArrayList<>();
        for (int i = 0; i < failures.getLength(); i++) {
            org.w3c.dom.Element f = (org.w3c.dom.Element) failures.item(i);
            failedNames.add(((org.w3c.dom.Element) f.getParentNode()).getAttribute("name") + " " + f.getAttribute("type"));
        }
        assertThat(failedNames).containsExactlyInAnyOrder(c + " NO_RESPONSE", d + " CONNECTION_REFUSED");
        List<String> csvLines = Files.readAllLines(csv);
        assertThat(csvLines).hasSize(5);
        assertThat(csvLines.get(0)).startsWith("target,gateway,status,stage,cause,inferred,selected,tlsVersion");
        assertThat(csvLines).anySatisfy(l -> assertThat(l).startsWith(b + ",,WARNING,TLS,CERT_SELF_SIGNED,false,SSL,TLS 1."));
        assertThat(csvLines).anySatisfy(l -> assertThat(l).startsWith(d + ",,FAILED,TCP,CONNECTION_REFUSED,false,,"));
    }

    @Test
    void rowsStreamOnStdoutAndTheJsonSummaryGoesToStderr() throws Exception {
        Run r = run("scan", "127.0.0.1:" + closedPort, "--json", "-q");
        assertThat(r.code()).isZero();
        List<JsonNode> rows = rows(r.out());
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).at("/verdict/cause").asText()).isEqualTo("CONNECTION_REFUSED");
        JsonNode summary = JSON.readTree(r.err());
        assertThat(summary.get("probed").asInt()).isEqualTo(1);
        assertThat(summary.at("/failuresByCause/CONNECTION_REFUSED").asInt()).isEqualTo(1);
        assertThat(summary.get("interrupted").asBoolean()).isFalse();
    }

    @Test
    void resumeSkipsWhatTheFileReportsAndDropsACutOffRow() throws Exception {
        String a = "127.0.0.1:" + closedPort;
        String c = "127.0.0.1:" + silent.port();
        Path out = dir.resolve("resume.jsonl");
        // an interrupted earlier run: one whole row for a, then half a row for c
        Run first = run("scan", a, "--out", out.toString(), "-q");
        assertThat(first.code()).isZero();
        String whole = Files.readString(out);
        Files.writeString(out, whole + "{\"target\":\"" + c + "\",\"stages\":[{\"sta");
        Run r = run("scan", a, c, "--resume", out.toString(), "--timeout", "1s");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.err()).contains("the last row was cut off by the interrupt");
        List<JsonNode> rows = rows(Files.readString(out));
        assertThat(rows).extracting(n -> n.get("target").asText()).containsExactly(a, c);
        assertThat(Files.readString(out)).startsWith(whole);
        assertThat(r.out()).contains("Fleet summary: 2 of 2 target(s) probed (1 from the resumed file)")
                .contains("1  FAILED CONNECTION_REFUSED").contains("1  FAILED NO_RESPONSE");
        // everything done: a third run probes nothing and still summarises both
        Run again = run("scan", a, c, "--resume", out.toString(), "-q", "--json");
        assertThat(rows(Files.readString(out))).hasSize(2);
        assertThat(JSON.readTree(again.out()).get("resumed").asInt()).isEqualTo(2);
    }

    @Test
    void usageErrorsNameTheOption() {
        Run r = run("scan");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("Missing required parameter: 'TARGET'");
        r = run("scan", "10.0.0.0/7");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("argv '10.0.0.0/7': 33554432 addresses");
        r = run("scan", "h", "--rate", "fast");
        assertThat(r.err()).contains("Invalid value for option '--rate': 'fast' is not a rate");
        r = run("scan", "h", "--user", "alice");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--user needs a password");
        r = run("scan", "h", "--out", "a.jsonl", "--resume", "b.jsonl");
        assertThat(r.err()).contains("--resume FILE appends to FILE");
    }

    @Test
    void theFileLimitLowersTheConcurrencyAndSaysSo() {
        List<String> notes = new ArrayList<>();
        int c = ScanCommand.fitToFileLimit(1 << 30, 1, 32, notes);
        assertThat(c).isLessThan(1 << 30).isPositive();
        assertThat(notes).singleElement().asString().contains("concurrency lowered from 1073741824 to " + c);
        notes.clear();
        assertThat(ScanCommand.fitToFileLimit(1, 1, 32, notes)).isEqualTo(1);
        assertThat(notes).isEmpty();
    }
}
