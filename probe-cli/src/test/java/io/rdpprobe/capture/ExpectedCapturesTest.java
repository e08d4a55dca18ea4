package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rdpprobe.capture.regress.CaptureInputs;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * The CI check of issue 12's regression mode: {@code analyze --expect testdata/captures/expected.json} over the
 * project's own captures must find no difference (regenerate with testdata/captures/update-expected.sh when a verdict
 * is meant to change), and a changed expectation must fail with a readable difference, in the JUnit file too.
 */
class ExpectedCapturesTest {
    static final Path DIR = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");
    static final Path EXPECTED = DIR.resolve("expected.json");

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {}

    /**
     * {@code --keylog F} for every key log ({@code .keys}) beside the captures and {@code --rsa-key F} for every PEM
     * key ({@code .key}), once {@code analyze} has those options (issue 12's decryption): the baseline is then the
     * decrypted analysis, as testdata/captures/update-expected.sh writes it.
     */
    static String[] withKeyLogs(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>();
        CommandLine analyze = io.rdpprobe.cli.Main.commandLine().getSubcommands().get("analyze");
        for (String[] o : new String[][] {{"--keylog", ".keys"}, {"--rsa-key", ".key"}}) {
            if (analyze.getCommandSpec().findOption(o[0]) == null) {
                continue;
            }
            try (var s = Files.list(DIR)) {
                s.filter(p -> p.getFileName().toString().endsWith(o[1])).sorted()
                        .forEach(p -> all.addAll(java.util.List.of(o[0], p.toString())));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        all.addAll(java.util.List.of(args));
        return all.toArray(String[]::new);
    }

    static Run analyze(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.rdpprobe.cli.Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "analyze";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void theProjectsCapturesMatchTheirBaseline() {
        Run r = analyze(withKeyLogs("-q", "--expect", EXPECTED.toString(), DIR.toString()));
        assertThat(r.code()).as(r.out() + r.err()).isZero();
        long captures;
        try (var s = Files.list(DIR)) {
            captures = s.filter(CaptureInputs::captureName).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertThat(captures).isGreaterThanOrEqualTo(10);
        assertThat(r.out()).contains("capture(s) compared: no difference").contains(captures + " capture(s)");
        // the directory's other files are said to be skipped, not analysed
        assertThat(r.err()).contains("not named *.pcap, *.pcapng or *.cap").contains("expected.json").contains("PROVENANCE.md");
        // with no CAPTURE, the baseline's own captures
        Run alone = analyze(withKeyLogs("-q", "--expect", EXPECTED.toString()));
        assertThat(alone.code()).as(alone.out() + alone.err()).isZero();
        assertThat(alone.out()).contains(captures + " capture(s) compared: no difference");
    }

    /** The baseline with the captures renamed relative to {@code copy}'s directory, and {@code edit} applied. */
    private Path copyOfBaseline(Path copy, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = (ObjectNode) m.readTree(Files.readString(EXPECTED));
        ObjectNode caps = (ObjectNode) root.get("captures");
        ObjectNode renamed = m.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            renamed.set(CaptureInputs.nameIn(copy, DIR.resolve(e.getKey())), e.getValue());
        }
        root.set("captures", renamed);
        edit.accept(root);
        Files.writeString(copy, m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        return copy;
    }

    private static ObjectNode connectionOf(ObjectNode root, String captureSuffix) {
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("captures").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().endsWith(captureSuffix)) {
                return (ObjectNode) e.getValue().get("connections").elements().next();
            }
        }
        throw new AssertionError("no capture " + captureSuffix);
    }

    @Test
    void aChangedExpectationFailsWithTheDifferenceInTheOutputAndTheJunitFile() throws Exception {
        // the baseline's own verdict (whatever decoding gives today), changed to another cause
        ObjectNode committed = (ObjectNode) new ObjectMapper().readTree(Files.readString(EXPECTED));
        JsonNode verdict = connectionOf(committed, "shadow-nla-authonly-wrongpass.pcap").get("verdict");
        String cause = verdict.get("cause").asText();
        String stage = verdict.get("stage").asText();
        String other = cause.equals("ACCOUNT_LOCKED_OUT") ? "LOGON_FAILURE" : "ACCOUNT_LOCKED_OUT";
        Path changed = copyOfBaseline(tmp.resolve("changed.json"), root -> {
            ((ObjectNode) connectionOf(root, "shadow-nla-authonly-wrongpass.pcap").get("verdict")).put("cause", other);
        });
        Path junit = tmp.resolve("regress.xml");
        Run r = analyze(withKeyLogs("-q", "--expect", changed.toString(), "--junit", junit.toString(), DIR.toString()));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(io.rdpprobe.cli.AnalyzeCommand.EXIT_DIFFERENT);
        String line = "shadow-nla-authonly-wrongpass.pcap [2026-11-20T23:49:42.078220Z 127.0.0.1:49114 -> 127.0.0.1:33892]"
                + " verdict.cause: expected " + other + ", got " + cause;
        assertThat(r.out()).contains("capture(s) compared: 1 difference(s)").contains(line);

        Document d = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(junit.toFile());
        NodeList suites = d.getElementsByTagName("testsuite");
        assertThat(suites.getLength()).isGreaterThanOrEqualTo(10);
        NodeList failures = d.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(1);
        Element f = (Element) failures.item(0);
        assertThat(f.getAttribute("message")).isEqualTo("verdict.cause: expected " + other + ", got " + cause);
        assertThat(f.getTextContent()).contains(line);
        Element tc = (Element) f.getParentNode();
        assertThat(tc.getAttribute("name")).isEqualTo("127.0.0.1:49114 -> 127.0.0.1:33892 " + stage);
        Element suite = (Element) tc.getParentNode();
        assertThat(suite.getAttribute("name")).endsWith("shadow-nla-authonly-wrongpass.pcap");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        // every other connection passes, even those whose verdict is FAILED: the baseline says so
        int connections = 0;
        for (JsonNode c : committed.get("captures")) {
            connections += c.get("connections").size();
        }
        assertThat(suites.getLength()).isEqualTo(committed.get("captures").size());
        assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(connections);
    }

    @Test
    void stagesEvidenceAndMissingCapturesAreDifferences() throws Exception {
        ObjectNode committed = (ObjectNode) new ObjectMapper().readTree(Files.readString(EXPECTED));
        JsonNode xrdp = connectionOf(committed, "xrdp-tls-xfreerdp-connect.pcap");
        JsonNode tls = xrdp.get("stages").get("TLS");
        String tlsNow = tls.get("status").asText() + (tls.get("cause").isNull() ? "" : " " + tls.get("cause").asText());
        String versionNow = xrdp.get("evidence").get("TLS.version").asText();
        Path changed = copyOfBaseline(tmp.resolve("changed.json"), root -> {
            ObjectNode c = connectionOf(root, "xrdp-tls-xfreerdp-connect.pcap");
            ((ObjectNode) c.get("stages").get("TLS")).put("status", "WARNING").put("cause", "CERT_SELF_SIGNED");
            ((ObjectNode) c.get("evidence")).put("TLS.version", "TLS 1.2");
            ObjectNode gone = ((ObjectNode) root.get("captures")).putObject(CaptureInputs.nameIn(tmp.resolve("changed.json"),
                    DIR.resolve("deleted-since.pcap")));
            gone.putNull("error");
            gone.putObject("connections");
        });
        Run r = analyze(withKeyLogs("--summary", "--expect", changed.toString()));
        assertThat(r.code()).as(r.out() + r.err()).isEqualTo(5);
        assertThat(r.out())
                .contains("stages.TLS: expected WARNING CERT_SELF_SIGNED, got " + tlsNow)
                .contains("evidence.TLS.version: expected TLS 1.2, got " + versionNow)
                .contains("deleted-since.pcap error: expected null, got cannot read: no such file")
                .contains("3 difference(s)");
    }
}
