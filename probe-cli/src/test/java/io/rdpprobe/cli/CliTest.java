package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
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
        // the default demo logs on as the built-in demo account with the demo certificate pinned: every stage runs
        Run r = run("demo", "--timeout", "8s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("demo target: embedded RDP endpoint on 127.0.0.1:")
                .containsPattern("demo certificate: sha256 [0-9a-f]{64} \\(pinned\\)")
                .contains("demo logon: DEMO\\demo (the built-in demo-only account")
                .contains("X224              OK").contains("selected HYBRID_EX").contains("TLS               OK")
                .contains("CREDSSP           OK").contains("credentials proven with NTLM and delegated")
                .contains("MCS               OK").contains("SECURITY_EXCHANGE SKIPPED")
                .contains("LICENSING         OK").contains("STATUS_VALID_CLIENT")
                .contains("ACTIVATION        OK").contains("Demand Active with 12 capability sets, desktop 1024x768")
                .contains("Verdict: OK at ACTIVATION")
                .doesNotContain("password 'demo'");
    }

    @Test
    void demoWithoutNlaShowsTheSelfSignedCertificate() {
        Run r = run("demo", "--protocols", "ssl", "--brief", "--timeout", "8s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("selected SSL").contains("TLS               WARNING").contains("CERT_SELF_SIGNED")
                .contains("ACTIVATION        OK").contains("Verdict: WARNING: TLS CERT_SELF_SIGNED (reached ACTIVATION)")
                .doesNotContain("demo logon").doesNotContain("(pinned)");
    }

    @Test
    void demoNtlmInfoStopsAtCredSsp() {
        Run r = run("demo", "--ntlm-info", "--brief", "--timeout", "8s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("CREDSSP           OK").contains("NTLM info: rdp-probe-demo.demo.invalid")
                .doesNotContain("MCS ");
    }

    @Test
    void demoDenyShowsTheMstscCode() {
        Run r = run("demo", "--fault", "DENY", "--brief", "--timeout", "8s");
        assertThat(r.code()).isEqualTo(17);
        assertThat(r.out()).contains("LICENSING         FAILED").contains("Verdict: FAILED at LICENSING - ERRINFO_SERVER_DENIED_CONNECTION")
                .contains("The Windows client would show: 0x904 / extended 0x7");
    }

    @Test
    void demoNlaRequiredRequestsSslOnlyByItself() {
        Run r = run("demo", "--fault", "NLA_REQUIRED", "--brief", "--timeout", "8s");
        assertThat(r.code()).isEqualTo(12);
        assertThat(r.out()).contains("demo request: SSL only").contains("Verdict: FAILED at X224 - HYBRID_REQUIRED_BY_SERVER");
    }

    @Test
    void demoUserWithPasswordFile(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path good = java.nio.file.Files.writeString(dir.resolve("good"), "demo\n");
        java.nio.file.Path bad = java.nio.file.Files.writeString(dir.resolve("bad"), "Tr0ub4dor&3\n");
        Run ok = run("demo", "--user", "DEMO\\demo", "--password-file", good.toString(), "--delegate-credentials",
                "--trust-demo-cert", "--brief", "--timeout", "8s");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).contains("CREDSSP           OK").contains("Verdict: OK at ACTIVATION").doesNotContain("demo logon");
        Run fail = run("demo", "--user", "DEMO\\demo", "--password-file", bad.toString(), "--brief", "--timeout", "8s");
        assertThat(fail.code()).isEqualTo(14);
        assertThat(fail.out()).contains("Verdict: FAILED at CREDSSP - LOGON_FAILURE").doesNotContain("Tr0ub4dor");
    }

    @Test
    void demoHelpDocumentsTheDemoAccount() {
        Run r = run("demo", "--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("Built-in demo account (demo-only").contains("user 'demo', domain 'DEMO', password 'demo'")
                .contains("--trust-demo-cert").contains("DENY").contains("LICENSE_ERROR").contains("USER_REJECTED")
                .contains("NLA_REQUIRED");
    }

    @Test
    void jsonFollowsTheContract() throws Exception {
        Run r = run("demo", "--json", "--fault", "CLOSE", "--timeout", "2s");
        assertThat(r.code()).isEqualTo(12);
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("target").asText()).startsWith("127.0.0.1:");
        // the demo logs on with delegation by default, so the session stages are planned (and NOT_REACHED) too
        assertThat(j.get("stages")).hasSize(8);
        assertThat(j.get("stages").get(7).get("stage").asText()).isEqualTo("ACTIVATION");
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
    void demoThroughTheEmbeddedGateway() throws Exception {
        Run ok = run("demo", "--gateway", "--json", "--timeout", "3s");
        assertThat(ok.code()).as(ok.err()).isZero();
        JsonNode r = new ObjectMapper().readTree(ok.out());
        List<String> stages = new ArrayList<>();
        r.get("stages").forEach(s -> stages.add(s.get("stage").asText() + " " + s.get("status").asText()));
        assertThat(stages).contains("GATEWAY_TLS OK", "GATEWAY_HTTP OK", "GATEWAY_TUNNEL OK", "GATEWAY_CHANNEL OK",
                "X224 OK", "CREDSSP OK", "ACTIVATION OK");
        Run cap = run("demo", "--gateway", "--gateway-transport", "http", "--gateway-fault", "CAP_DENIED", "--timeout", "3s");
        assertThat(cap.code()).isEqualTo(22);
        assertThat(cap.out()).contains("E_PROXY_NAP_ACCESSDENIED").contains("The Windows client would show: 0x300001C");
        assertThat(run("demo", "--gateway-fault", "SILENT").code()).isEqualTo(2);
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

    /**
     * Issue 18 finding 5: every parsed option's bad value is a usage error (exit 2) whose first line names the
     * option and the accepted forms; never a raw Java message such as 'For input string: "ZZ" under radix 16'.
     */
    @Test
    void badOptionValuesNameTheOptionAndTheAcceptedForms() {
        String[][] cases = {
            {"--protocols", "0xZZ", "Invalid value for option '--protocols': '0xZZ' is not a hex mask (use rdp, ssl, hybrid"},
            {"--protocols", "0x1FFFFFFFF", "Invalid value for option '--protocols': '0x1FFFFFFFF' is not a hex mask"},
            {"--protocols", "foo", "Invalid value for option '--protocols': unknown protocol 'foo' (use rdp, ssl"},
            {"--protocols", "", "Invalid value for option '--protocols': empty protocol list"},
            {"--timeout", "abc", "Invalid value for option '--timeout': not a duration: 'abc' (use a number with ms, s, m or h"},
            {"--timeout", "-1", "Invalid value for option '--timeout': duration out of range: '-1' (1ms up to 1h;"},
            {"--timeout", "2h", "Invalid value for option '--timeout': duration out of range: '2h' (1ms up to 1h;"},
            {"--port", "70000", "Invalid value for option '--port': 70000 (use 1-65535)"},
            {"--port", "abc", "Invalid value for option '--port': 'abc' is not an int"},
            {"--stop-after", "FOO", "Invalid value for option '--stop-after': 'FOO' is not a stage (use one of dns, tcp, "},
            {"--credssp-version", "9", "Invalid value for option '--credssp-version': 9 (use 2, 3, 4, 5 or 6)"},
            {"--tls-versions", "1.9", "Invalid value for option '--tls-versions': unknown TLS version '1.9' (use 1.0, 1.1, 1.2, 1.3)"},
            {"--trust-cert", "zz", "Invalid value for option '--trust-cert': a SHA-256 fingerprint has 64 hex digits"},
        };
        for (String[] c : cases) {
            for (String command : new String[] {"probe", "demo"}) {
                String[] args = command.equals("probe") ? new String[] {"probe", "127.0.0.1:1", c[0], c[1]}
                        : new String[] {"demo", c[0], c[1]};
                if (command.equals("demo") && c[0].equals("--port")) {
                    continue; // demo has no --port
                }
                Run r = run(args);
                assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
                assertThat(r.err().lines().findFirst().orElse("")).as(String.join(" ", args)).startsWith(c[2]);
                assertThat(r.err()).doesNotContain("Exception").doesNotContain("radix").doesNotContain("For input string");
                assertThat(r.out()).isEmpty();
            }
        }
        Run target = run("probe", "127.0.0.1:99999");
        assertThat(target.code()).isEqualTo(2);
        assertThat(target.err()).startsWith("Invalid value for HOST[:PORT] '127.0.0.1:99999': port out of range: 99999");
        Run badPort = run("probe", "[::1]:x");
        assertThat(badPort.err()).startsWith("Invalid value for HOST[:PORT] '[::1]:x': bad port in [::1]:x");
        // enum values are accepted in any case
        assertThat(run("probe", "127.0.0.1:1", "--stop-after", "tcp", "-q", "--timeout", "2s").code()).isEqualTo(11);
    }

    /** Issue 18 finding 6: IPv6 endpoints as [::1]:PORT in text, JSON and evidence, never 0:0:0:0:0:0:0:1:PORT. */
    @Test
    void ipv6EndpointsAreCompressedAndBracketedEverywhere() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("::1"))) {
            closed = s.getLocalPort();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback: " + e);
            return;
        }
        Run text = run("probe", "[::1]:" + closed, "--timeout", "2s", "-v");
        assertThat(text.code()).isEqualTo(11);
        assertThat(text.out()).contains("connection refused by [::1]:" + closed + " (TCP RST")
                .contains("remote: [::1]:" + closed).contains("addresses: ::1").doesNotContain("0:0:0:0");
        Run json = run("probe", "[::1]:" + closed, "--timeout", "2s", "--json");
        assertThat(json.out()).doesNotContain("0:0:0:0");
        JsonNode tcp = new ObjectMapper().readTree(json.out()).get("stages").get(1);
        assertThat(tcp.get("evidence").get("remote").asText()).isEqualTo("[::1]:" + closed);
        assertThat(tcp.get("evidence").get("error").asText()).isEqualTo("Connection refused: [::1]:" + closed);
        // a listener that accepts and closes: TCP OK with both ends bracketed
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 5, java.net.InetAddress.getByName("::1"))) {
            Thread t = new Thread(() -> {
                try (java.net.Socket c = s.accept()) {
                    c.getInputStream().read();
                } catch (java.io.IOException ignored) {
                    // the probe's connection ended
                }
            });
            t.setDaemon(true);
            t.start();
            Run ok = run("probe", "::1", "--port", String.valueOf(s.getLocalPort()), "--timeout", "2s", "--json");
            JsonNode tcpOk = new ObjectMapper().readTree(ok.out()).get("stages").get(1);
            assertThat(tcpOk.get("summary").asText()).isEqualTo("connected to [::1]:" + s.getLocalPort());
            assertThat(tcpOk.get("evidence").get("local").asText()).matches("\\[::1\\]:\\d+");
            assertThat(ok.out()).doesNotContain("0:0:0:0");
        }
    }

    @Test
    void transcriptListsTransitionsAndHidesCredSspBytes() throws Exception {
        Run r = run("demo", "--json", "--transcript", "--timeout", "8s");
        assertThat(r.code()).isZero();
        JsonNode t = new ObjectMapper().readTree(r.out()).get("transcript");
        assertThat(t).isNotNull();
        java.util.List<String> texts = new java.util.ArrayList<>();
        t.forEach(e -> texts.add(e.get("stage").asText() + " " + e.get("dir").asText() + " " + e.get("text").asText()));
        // issue 17 finding 14: every PDU is named, the TLS handshake included
        assertThat(texts).anyMatch(x -> x.startsWith("X224 > X.224 Connection Request (RDP_NEG_REQ SSL|HYBRID|HYBRID_EX), 19 bytes: 03 00 00 13"))
                .anyMatch(x -> x.startsWith("X224 < X.224 Connection Confirm (RDP_NEG_RSP HYBRID_EX), 19 bytes"))
                .anyMatch(x -> x.contains("X224 --> TLS"))
                .anyMatch(x -> x.startsWith("TLS > TLS ClientHello, "))
                .anyMatch(x -> x.startsWith("TLS < TLS ServerHello, "))
                .anyMatch(x -> x.startsWith("MCS > MCS Connect-Initial, "))
                .anyMatch(x -> x.startsWith("MCS < MCS Attach User Confirm (rt-successful"))
                .anyMatch(x -> x.startsWith("MCS < MCS Channel Join Confirm (channel 1003, rt-successful)"))
                .anyMatch(x -> x.startsWith("LICENSING > Client Info PDU, "))
                .anyMatch(x -> x.startsWith("LICENSING < Demand Active PDU, "))
                .anyMatch(x -> x.contains("MCS --> LICENSING") || x.contains("--> LICENSING"));
        // CredSSP messages carry NTLM material: the NTLM message's name and the size, never bytes
        assertThat(texts).filteredOn(x -> x.startsWith("CREDSSP > ") || x.startsWith("CREDSSP < "))
                .isNotEmpty().allMatch(x -> x.matches("CREDSSP [<>] (TSRequest v\\d+(: [A-Za-z ()+]+)?|Early User Authorization Result \\(\\w+\\)), \\d+ bytes"));
        assertThat(texts).contains("CREDSSP > TSRequest v6: NTLM NEGOTIATE + clientNonce, 93 bytes")
                .anyMatch(x -> x.startsWith("CREDSSP < TSRequest v6: NTLM CHALLENGE, "))
                .anyMatch(x -> x.startsWith("CREDSSP > TSRequest v6: NTLM AUTHENTICATE + pubKeyAuth"))
                .anyMatch(x -> x.startsWith("CREDSSP > TSRequest v6: authInfo (TSCredentials), "));
        JsonNode pdu = null;
        for (JsonNode e : t) {
            if (e.has("pdu")) { pdu = e; break; }
        }
        assertThat(pdu).isNotNull();
        assertThat(pdu.get("pdu").asText()).isEqualTo("X.224 Connection Request (RDP_NEG_REQ SSL|HYBRID|HYBRID_EX)");
        assertThat(pdu.get("bytes").asInt()).isEqualTo(19);
        assertThat(pdu.get("peer").asText()).isEqualTo("server");
    }

    /** Issue 17 finding 10: a usage error is the error, the one option concerned and where the help is; not the help. */
    @Test
    void usageErrorsFitOnAFewLines() {
        Run r = run("probe", "127.0.0.1:1", "--timeout", "abc");
        assertThat(r.code()).isEqualTo(2);
        List<String> lines = r.err().lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("Invalid value for option '--timeout': not a duration: 'abc'");
        assertThat(lines.get(1)).startsWith("  --timeout DURATION  Deadline for each stage (default 10s)");
        assertThat(lines.get(2)).isEqualTo("try 'rdp-probe probe --help'");
        assertThat(r.err()).doesNotContain("--enumerate").doesNotContain("Usage:");
        Run unknown = run("demo", "--frobnicate");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err().lines().toList()).hasSizeLessThanOrEqualTo(3)
                .contains("try 'rdp-probe demo --help'");
        assertThat(unknown.err()).contains("--frobnicate").doesNotContain("Usage:");
        // analyze --json still prints exactly one JSON object for a usage error
        Run json = run("analyze", "--json", "--bogus");
        assertThat(json.code()).isEqualTo(2);
        assertThat(json.out().trim()).startsWith("{").endsWith("}");
        assertThat(json.out()).contains("\"error\"");
    }

    /** Issue 17 finding 11: a credential typed in the wrong place is never echoed. */
    @Test
    void credentialsTypedInTheWrongPlaceAreNeverEchoed() {
        String pw = "Passw0rd!";
        Run env = run("probe", "127.0.0.1:1", "--user", "alice", "--password-env", pw);
        assertThat(env.code()).isEqualTo(2);
        assertThat(env.err()).contains("the environment variable named by the -env option is not set");
        Run port = run("probe", "127.0.0.1:1", "-p", pw);
        assertThat(port.code()).isEqualTo(2);
        Run unknown = run("probe", "127.0.0.1:1", "--password", pw);
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("--password");
        Run inline = run("probe", "127.0.0.1:1", "--password=" + pw);
        assertThat(inline.code()).isEqualTo(2);
        Run xfreerdp = run("probe", "127.0.0.1:1", "/p:" + pw);
        assertThat(xfreerdp.code()).isEqualTo(2);
        Run gw = run("probe", "127.0.0.1:1", "--gateway", "127.0.0.1:2", "--gateway-password-env", pw);
        assertThat(gw.code()).isEqualTo(2);
        for (Run r : List.of(env, port, unknown, inline, xfreerdp, gw)) {
            assertThat(r.out() + r.err()).doesNotContain(pw).doesNotContain("Passw0rd");
        }
        // a valid variable name is still named, since it is not the password
        Run named = run("probe", "127.0.0.1:1", "--user", "alice", "--password-env", "RDP_PROBE_SURELY_UNSET_17");
        assertThat(named.err()).contains("environment variable RDP_PROBE_SURELY_UNSET_17 is not set");
        // -p is no longer the port
        assertThat(run("probe", "--help").out()).doesNotContain("-p, --port");
    }

    /** Issue 17 finding 1: credentials that NLA never used are reported as not tested, in text and JSON. */
    @Test
    void credentialsAgainstATlsOnlyServerAreNotTested(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path wrong = java.nio.file.Files.writeString(dir.resolve("pw"), "Tr0ub4dor&3\n");
        Run r = run("demo", "--protocols", "ssl", "--user", "demo", "--password-file", wrong.toString(), "--brief",
                "--timeout", "8s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ACTIVATION        OK")
                .contains("Verdict: WARNING: CREDSSP CREDENTIALS_NOT_TESTED (reached ACTIVATION)")
                .contains("credentials NOT tested: the server does not use NLA, so the password is checked only at the "
                        + "Windows logon screen, after ACTIVATION")
                .contains("the server selected SSL; --user demo was not used")
                .contains("also TLS CERT_SELF_SIGNED: TLS 1.").doesNotContain("Tr0ub4dor");
        Run json = run("demo", "--protocols", "ssl", "--user", "demo", "--password-file", wrong.toString(), "--json",
                "--timeout", "8s");
        JsonNode v = new ObjectMapper().readTree(json.out()).get("verdict");
        assertThat(v.get("status").asText()).isEqualTo("WARNING");
        assertThat(v.get("cause").asText()).isEqualTo("CREDENTIALS_NOT_TESTED");
        assertThat(v.get("stage").asText()).isEqualTo("ACTIVATION");
        assertThat(v.get("findingStage").asText()).isEqualTo("CREDSSP");
        assertThat(v.get("summary").asText()).contains("credentials NOT tested");
        assertThat(json.out()).doesNotContain("Tr0ub4dor");
        Run ntlm = run("demo", "--protocols", "ssl", "--ntlm-info", "--brief", "--timeout", "8s");
        assertThat(ntlm.out()).contains("CREDENTIALS_NOT_TESTED").contains("--ntlm-info was not used");
        // without credentials nothing is claimed
        Run none = run("demo", "--protocols", "ssl", "--brief", "--timeout", "8s");
        assertThat(none.out()).doesNotContain("CREDENTIALS_NOT_TESTED");
    }

    /** Issue 17 finding 2: a probe that stops early by design names the stages not tried and the options to go on. */
    @Test
    void earlyStopNamesTheStagesNotTriedAndTheOptionsToGoFurther() throws Exception {
        Run r = run("demo", "--ntlm-info", "--brief", "--timeout", "8s");
        assertThat(r.code()).isZero();
        java.util.regex.Matcher fp = java.util.regex.Pattern.compile("demo certificate: sha256 ([0-9a-f]{64})")
                .matcher(r.out());
        assertThat(fp.find()).isTrue();
        assertThat(r.out()).contains("Not tried (the probe stopped after CREDSSP by design): MCS, SECURITY_EXCHANGE, "
                + "LICENSING, ACTIVATION")
                .contains("To go further: --user USER --password-env NAME --delegate-credentials --trust-cert " + fp.group(1));
        Run json = run("demo", "--ntlm-info", "--json", "--timeout", "8s");
        JsonNode v = new ObjectMapper().readTree(json.out()).get("verdict");
        for (String key : new String[] {"stage", "status", "cause", "summary", "remedy", "inferred", "clientError"}) {
            assertThat(v.has(key)).as(key).isTrue();
        }
        assertThat(v.get("notTried")).hasSize(4);
        assertThat(v.get("goFurther").asText()).contains("--delegate-credentials --trust-cert ");
        // the full demo run is not an early stop
        assertThat(run("demo", "--brief", "--timeout", "8s").out()).doesNotContain("Not tried").doesNotContain("To go further");
    }

    /** Issue 17 finding 5: remedies that fit the case. */
    @Test
    void remediesFitTheCase() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        Run refused = run("probe", "127.0.0.1:" + closed, "--brief", "--timeout", "2s");
        assertThat(refused.code()).isEqualTo(11);
        assertThat(refused.out()).contains("netstat -an | findstr " + closed).doesNotContain("findstr 3389");

        Run stalled = run("demo", "--fault", "TLS_PARTIAL", "--brief", "--timeout", "1s");
        assertThat(stalled.out()).contains("TLS_HANDSHAKE_STALLED").contains("ping -f -l 1472")
                .contains("ping -M do -s 1472").contains("ping -D -s 1472");

        Run rejected = run("demo", "--fault", "USER_REJECTED", "--protocols", "ssl", "--brief", "--timeout", "8s");
        assertThat(rejected.code()).isEqualTo(15);
        assertThat(rejected.out()).contains("MCS               FAILED").containsPattern("MCS_CONNECT_REJECTED: MCS Connect-Response: rt-user-rejected \\(")
                .doesNotContain("the result name is in the evidence");

        // --tls-versions 1.0 against a newer-only server: TlsStageTest (the demo CLI endpoint accepts every version)
    }
}
