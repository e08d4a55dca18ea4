package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/** Issue 9: --html and --junit of probe, demo and analyze; shell completion; the man page. */
class HtmlReportCliTest {
    @TempDir
    Path dir;

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

    /** The page must parse as XML: well formed, every element closed, no undefined entity. */
    static Document xml(String s) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8)));
    }

    static int count(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** Self-contained: no URL, no script, no external reference of any kind. */
    static void assertSelfContained(String html) {
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script")
                .doesNotContain(" src=").doesNotContain("@import").doesNotContain("<link").doesNotContain("//cdn");
        assertThat(count(html, "url\\((?!#)")).isZero();
        assertThat(count(html, "href=\"(?!#)")).isZero();
        assertThat(html).contains("Content-Security-Policy").contains("default-src 'none'");
    }

    @Test
    void demoDenyHtmlShowsTheLadderUpToSetErrorInfoAndTheCodePair() throws Exception {
        Path html = dir.resolve("r.html");
        Run r = run("demo", "--fault", "DENY", "--json", "--transcript", "--html", html.toString(), "--timeout", "8s");
        assertThat(r.code()).isEqualTo(17);
        String page = Files.readString(html);
        Document d = xml(page);
        assertSelfContained(page);
        JsonNode t = new ObjectMapper().readTree(r.out()).get("transcript");
        int pdus = 0;
        for (JsonNode e : t) if (e.has("pdu")) pdus++;
        assertThat(pdus).isGreaterThan(20);
        // one arrow per transcript PDU, and one row per PDU in the table the arrows link to
        assertThat(count(page, "<g class=\"pdu")).isEqualTo(pdus);
        assertThat(count(page, "<tr id=\"r-pdu-")).isEqualTo(pdus);
        assertThat(d.getElementsByTagName("line").getLength()).isGreaterThanOrEqualTo(pdus);
        // the failing step in the verdict's colour: the Set Error Info PDU
        Matcher m = Pattern.compile("<g class=\"pdu mark\"><title>([^<]*)</title>").matcher(page);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).startsWith("Set Error Info PDU (ERRINFO_SERVER_DENIED_CONNECTION)");
        assertThat(page.substring(m.start())).contains("stroke=\"#c62828\"");
        assertThat(count(page, "class=\"pdu mark\"")).isEqualTo(1);
        assertThat(page).contains("Verdict: FAILED at LICENSING - ERRINFO_SERVER_DENIED_CONNECTION")
                .contains("0x904 / extended 0x7").contains("<dt>inferred</dt><dd>no</dd>");
        for (String stage : List.of("DNS", "TCP", "X224", "TLS", "CREDSSP", "MCS", "SECURITY_EXCHANGE", "LICENSING", "ACTIVATION")) {
            assertThat(page).contains("<tr><td>" + stage + "</td>");
        }
        // the demo certificate with its validity bar against today
        assertThat(page).contains("Certificate chain (TLS)").contains("CN=rdp-probe-demo").contains("valid, ").contains("class=\"bar\"");
    }

    @Test
    void htmlWithoutTranscriptKeepsStdoutUnchangedAndHoldsNoPasswordOrKeyLogSecret() throws Exception {
        String password = "Wr0ng-S3cret-4711";
        Path pw = Files.writeString(dir.resolve("pw"), password);
        Path keys = dir.resolve("k.keys");
        Path html = dir.resolve("w.html");
        Path junit = dir.resolve("w.xml");
        Run r = run("demo", "--user", "DEMO\\demo", "--password-file", pw.toString(), "--keylog", keys.toString(),
                "--html", html.toString(), "--junit", junit.toString(), "--timeout", "8s");
        assertThat(r.code()).isEqualTo(14);
        assertThat(r.out()).doesNotContain("Transcript");
        String page = Files.readString(html);
        xml(page);
        assertSelfContained(page);
        assertThat(page).contains("LOGON_FAILURE").contains("TSRequest v6: NTLM AUTHENTICATE").doesNotContain(password);
        String xmlText = Files.readString(junit);
        assertThat(xmlText).doesNotContain(password);
        List<String> secrets = Files.readAllLines(keys).stream().filter(l -> !l.isBlank())
                .map(l -> l.substring(l.lastIndexOf(' ') + 1)).toList();
        assertThat(secrets).isNotEmpty();
        for (String s : secrets) {
            assertThat(page.toLowerCase()).doesNotContain(s.toLowerCase());
            assertThat(xmlText.toLowerCase()).doesNotContain(s.toLowerCase());
        }
        // the JUnit suite: a testcase per stage of the report (DNS..CREDSSP), CREDSSP failing with the verdict
        Document d = xml(xmlText);
        NodeList cases = d.getElementsByTagName("testcase");
        assertThat(cases.getLength()).isEqualTo(5);
        Element credssp = (Element) cases.item(4);
        assertThat(credssp.getAttribute("name")).isEqualTo("CREDSSP");
        Element failure = (Element) credssp.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("FAILED at CREDSSP - LOGON_FAILURE");
        assertThat(failure.getAttribute("type")).isEqualTo("LOGON_FAILURE");
        assertThat(d.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        assertThat(d.getDocumentElement().getAttribute("tests")).isEqualTo("5");
    }

    @Test
    void gatewayHtmlHasAGatewayColumnAndTheRdgPackets() throws Exception {
        Path html = dir.resolve("g.html");
        Run r = run("demo", "--gateway", "--gateway-fault", "CAP_DENIED", "--html", html.toString(), "--timeout", "8s");
        assertThat(r.code()).isEqualTo(22);
        String page = Files.readString(html);
        xml(page);
        assertSelfContained(page);
        assertThat(page).contains(">RD Gateway</text>").contains("RDG TUNNEL_AUTH_RESPONSE")
                .contains("HTTP 101 Switching Protocols (WebSocket upgrade accepted)")
                .contains("Authorization: NTLM AUTHENTICATE").contains("E_PROXY_NAP_ACCESSDENIED");
        Matcher m = Pattern.compile("<g class=\"pdu mark\"><title>([^<]*)</title>").matcher(page);
        assertThat(m.find()).isTrue();
        assertThat(m.group(1)).startsWith("RDG TUNNEL_AUTH_RESPONSE");
    }

    @Test
    void analyzeHtmlAndJunitHaveOneEntryPerConnection() throws Exception {
        Path cap = Path.of("..", "testdata", "captures", "xrdp-tls-xfreerdp-connect.pcap");
        Path html = dir.resolve("a.html");
        Path junit = dir.resolve("a.xml");
        Run summary = run("analyze", "--summary", cap.toString());
        int connections = (int) summary.out().lines().filter(l -> !l.isBlank()).count();
        Run r = run("analyze", "--html", html.toString(), "--junit", junit.toString(), cap.toString());
        assertThat(r.code()).isZero();
        String page = Files.readString(html);
        xml(page);
        assertSelfContained(page);
        assertThat(connections).isPositive();
        assertThat(count(page, "<section id=\"c\\d+\">")).isEqualTo(connections);
        assertThat(count(page, "<tr><td><a href=\"#c\\d+\">")).isEqualTo(connections);
        assertThat(page).contains("X.224 Connection Request (RDP_NEG_REQ").contains("TLS ClientHello").contains("TLS ServerHello");
        assertThat(count(page, "<g class=\"pdu")).isEqualTo(count(page, "<tr id=\"c\\d+-pdu-\\d+\">"));
        Document d = xml(Files.readString(junit));
        assertThat(d.getElementsByTagName("testcase").getLength()).isEqualTo(connections);
    }

    @Test
    void unwritableHtmlFileIsAOneLineErrorNotAStackTrace() {
        Run r = run("demo", "--html", dir.resolve("no/such/dir/r.html").toString(), "--timeout", "8s", "-q");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("rdp-probe: --html: cannot write").doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    void completionScriptsListTheOptions() {
        Run bash = run("completion", "bash");
        assertThat(bash.code()).isZero();
        assertThat(bash.out()).contains("complete -F").contains("--html").contains("--junit").contains("--gateway-transport")
                .contains("analyze").contains("demo");
        Run zsh = run("completion", "zsh");
        assertThat(zsh.out()).startsWith("#compdef rdp-probe").contains("bashcompinit");
        assertThat(run("completion", "fish").code()).isEqualTo(2);
    }

    @Test
    void manPageInTheRepositoryIsTheGeneratedOne() throws Exception {
        Run man = run("man");
        assertThat(man.code()).isZero();
        assertThat(man.out()).startsWith(".\\\"").contains(".TH RDP-PROBE 1").contains(".SH SYNOPSIS").contains("\\fB\\-\\-html\\fR")
                .contains(".SH EXIT STATUS");
        assertThat(Files.readString(Path.of("..", "man", "rdp-probe.1")))
                .as("man/rdp-probe.1 is stale: regenerate with ./rdp-probe man > man/rdp-probe.1").isEqualTo(man.out());
    }
}
