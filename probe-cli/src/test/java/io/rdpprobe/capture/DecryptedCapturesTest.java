package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.report.ReportJson;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12: the project's real TLS captures (testdata/captures, PROVENANCE.md there) analysed past TLS with their
 * key logs: the session (xrdp) and CredSSP (FreeRDP shadow) are read from the decrypted records, with the same
 * readings as the live probe, and the decrypted fields agree with tshark's dissection of the same capture with the
 * same key log (when tshark is installed). Without the keys the verdicts stay what they were.
 */
class DecryptedCapturesTest {
    private static final Path DIR = Files.isDirectory(Path.of("../testdata/captures"))
            ? Path.of("../testdata/captures") : Path.of("testdata/captures");

    @TempDir
    Path tmp;

    private static CaptureSecrets.Files keys(String name) throws IOException {
        return CaptureSecrets.load(List.of(DIR.resolve(name)), List.of());
    }

    private static AnalyzedConnection only(Path capture, CaptureSecrets.Files files) throws IOException {
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureAnalyzer.analyze(capture, files, all::add, null);
        assertThat(all).as(capture.toString()).hasSize(1);
        return all.get(0);
    }

    private static AnalyzedConnection decrypted(String base) throws IOException {
        return only(DIR.resolve(base + ".pcap"), keys(base + ".keys"));
    }

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decryption(Report r) {
        return (Map<String, Object>) r.section(CaptureSection.class).orElseThrow().facts().get("tlsDecryption");
    }

    @SuppressWarnings("unchecked")
    private static void bothSidesDecrypted(Report r) {
        Map<String, Object> d = decryption(r);
        assertThat(d).containsEntry("status", "decrypted").containsEntry("version", "TLS 1.3")
                .containsEntry("suite", "TLS_AES_256_GCM_SHA384");
        for (String side : List.of("client", "server")) {
            Map<String, Object> s = (Map<String, Object>) d.get(side);
            assertThat(s).as(side).doesNotContainKey("failure");
            assertThat((Long) s.get("decryptedRecords")).as(side).isPositive();
        }
    }

    @Test
    void xrdpTlsSessionReachesDemandActiveWithLicensing() throws IOException {
        Report r = decrypted("xrdp-tls-xfreerdp-connect").report();
        bothSidesDecrypted(r);
        assertThat(stage(r, Stage.TLS).status()).isEqualTo(Status.OK);
        assertThat(stage(r, Stage.CREDSSP).status()).isEqualTo(Status.SKIPPED);
        StageResult mcs = stage(r, Stage.MCS);
        assertThat(mcs.status()).isEqualTo(Status.OK);
        assertThat(mcs.evidence()).containsKey("client").containsKey("serverBlocks").containsKey("mcsResult");
        assertThat(stage(r, Stage.SECURITY_EXCHANGE).status()).isEqualTo(Status.SKIPPED);
        StageResult lic = stage(r, Stage.LICENSING);
        assertThat(lic.status()).isEqualTo(Status.OK);
        assertThat(lic.evidence()).containsKey("licenseMessage").containsKey("startedAt");
        assertThat(lic.evidence().get("clientInfoPassword")).isIn("empty", "present (not shown)");
        StageResult act = stage(r, Stage.ACTIVATION);
        assertThat(act.status()).isEqualTo(Status.OK);
        assertThat(act.summary()).startsWith("Demand Active with");
        assertThat(act.evidence()).containsKey("capabilities").containsKey("confirmActiveCapabilityCount")
                .containsKey("fastPathOutputPdus");
        assertThat(r.verdict().status()).isEqualTo(Status.OK);
        assertThat(r.verdict().stage()).isEqualTo(Stage.ACTIVATION);
    }

    @Test
    void shadowNlaRightPasswordShowsTheNtlmMessages() throws IOException {
        Report r = decrypted("shadow-nla-authonly-ok").report();
        bothSidesDecrypted(r);
        StageResult cs = stage(r, Stage.CREDSSP);
        assertThat(cs.status()).isEqualTo(Status.OK);
        assertThat(cs.inferred()).isFalse();
        assertThat(cs.summary()).contains("CredSSP OK").contains("rdptest").doesNotContain("most likely");
        assertThat(String.valueOf(cs.evidence().get("messages")))
                .contains("client: TSRequest v6 NTLM NEGOTIATE")
                .contains("server: TSRequest v6 NTLM CHALLENGE")
                .contains("client: TSRequest v6 NTLM AUTHENTICATE + pubKeyAuth");
        assertThat(cs.evidence()).containsEntry("ntlmUser", "rdptest").containsEntry("clientCredSspVersion", 6)
                .containsEntry("serverPubKeyAuth", "sealed: not decrypted").containsKey("clockSkewMs")
                .containsKey("ntlmTargetName").doesNotContainKey("phaseInferredFrom");
        // FreeRDP 2.11 goes on after +auth-only: MCS, licensing and Demand Active are in the capture
        assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
    }

    @Test
    void shadowNlaWrongPasswordFailsAfterAnObservedAuthenticate() throws IOException {
        Report r = decrypted("shadow-nla-authonly-wrongpass").report();
        StageResult cs = stage(r, Stage.CREDSSP);
        assertThat(cs.status()).isEqualTo(Status.FAILED);
        assertThat(cs.cause().code()).isEqualTo("LOGON_FAILURE");
        assertThat(cs.evidence()).containsEntry("ntlmUser", "rdptest").containsKey("phaseObservedFrom")
                .doesNotContainKey("phaseInferredFrom").containsKey("msAfterAuthenticate");
        assertThat((String) cs.evidence().get("phaseObservedFrom")).contains("NTLM AUTHENTICATE");
        assertThat(cs.summary()).contains("right after NTLM AUTHENTICATE").contains("close_notify");
        assertThat(r.verdict().stage()).isEqualTo(Stage.CREDSSP);
    }

    @Test
    void tls13CertificatesComeFromTheDecryptedHandshake() throws IOException {
        // TLS 1.3: the Certificate message is encrypted; with secrets it reaches the same handshake path as TLS 1.2's
        StageResult tls = stage(decrypted("xrdp-tls-xfreerdp-connect").report(), Stage.TLS);
        assertThat(tls.status()).isEqualTo(Status.OK);
        assertThat(tls.evidence()).containsKey("certificates");
        assertThat(tls.evidence().get("certificates")).isInstanceOf(List.class).asList().isNotEmpty();
        StageResult probe = stage(only(DIR.resolve("probe-xrdp-tls.pcapng"), CaptureSecrets.Files.NONE).report(), Stage.TLS);
        assertThat(probe.evidence().get("certificates")).isInstanceOf(List.class).asList().isNotEmpty();
        // without secrets: no certificate findings, as before
        StageResult plain = stage(only(DIR.resolve("xrdp-tls-xfreerdp-connect.pcap"), CaptureSecrets.Files.NONE).report(),
                Stage.TLS);
        assertThat(plain.status()).isEqualTo(Status.OK);
        assertThat(plain.evidence()).containsEntry("certificates", "encrypted (TLS 1.3)");
    }

    @Test
    void withoutKeysTheVerdictsStay() throws IOException {
        for (String base : List.of("xrdp-tls-xfreerdp-connect", "shadow-nla-authonly-ok", "shadow-nla-authonly-wrongpass")) {
            Report plain = only(DIR.resolve(base + ".pcap"), CaptureSecrets.Files.NONE).report();
            assertThat(plain.section(CaptureSection.class).orElseThrow().facts()).doesNotContainKey("tlsDecryption");
            // a key log without this capture's client random: NO_SECRET, and the same verdict as without keys
            String other = base.startsWith("xrdp") ? "shadow-nla-authonly-ok.keys" : "xrdp-tls-xfreerdp-connect.keys";
            Report wrong = only(DIR.resolve(base + ".pcap"), keys(other)).report();
            assertThat(wrong.verdict().status()).as(base).isEqualTo(plain.verdict().status());
            assertThat(wrong.verdict().stage()).as(base).isEqualTo(plain.verdict().stage());
            assertThat(wrong.verdict().cause()).as(base).isEqualTo(plain.verdict().cause());
            assertThat(String.valueOf(decryption(wrong))).as(base).contains("NO_SECRET");
        }
        StageResult cs = stage(only(DIR.resolve("shadow-nla-authonly-wrongpass.pcap"),
                keys("xrdp-tls-xfreerdp-connect.keys")).report(), Stage.CREDSSP);
        assertThat(cs.cause().code()).isEqualTo("LOGON_FAILURE");
        assertThat(cs.evidence()).containsKey("phaseInferredFrom").containsEntry("decryption", "not decrypted: NO_SECRET");
        assertThat(cs.summary()).endsWith("not decrypted: NO_SECRET");
    }

    @Test
    void aWrongSecretIsReportedNotThrown() throws IOException {
        String text = Files.readString(DIR.resolve("shadow-nla-authonly-ok.keys"));
        StringBuilder bad = new StringBuilder();
        for (String line : text.split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3 && f[0].contains("TRAFFIC_SECRET")) {
                char c = f[2].charAt(0);
                f[2] = (c == '0' ? '1' : '0') + f[2].substring(1);
                line = String.join(" ", f);
            }
            bad.append(line).append('\n');
        }
        Path k = Files.writeString(tmp.resolve("bad.keys"), bad);
        Report r = only(DIR.resolve("shadow-nla-authonly-ok.pcap"), CaptureSecrets.load(List.of(k), List.of())).report();
        assertThat(String.valueOf(decryption(r))).contains("BAD_RECORD_MAC");
        // the clear handshake still gives its stages
        assertThat(stage(r, Stage.X224).status()).isEqualTo(Status.OK);
        assertThat(stage(r, Stage.TLS).status()).isEqualTo(Status.OK);
    }

    /** A pcapng with the key log in a Decryption Secrets Block after the clear handshake, before the first encrypted record. */
    @Test
    void decryptionSecretsBlockIsUsedWithoutFiles() throws IOException {
        Path ng = tmp.resolve("with-dsb.pcapng");
        byte[] keyLog = Files.readAllBytes(DIR.resolve("xrdp-tls-xfreerdp-connect.keys"));
        try (CaptureReader in = CaptureReader.open(DIR.resolve("xrdp-tls-xfreerdp-connect.pcap"));
             CaptureWriter w = new CaptureWriter(Files.newOutputStream(ng), CaptureWriter.Format.PCAPNG,
                     ByteOrder.LITTLE_ENDIAN, 1)) {
            RawPacket p;
            int n = 0;
            while ((p = in.next()) != null) {
                if (++n == 9) { // after the ClientHello: later than Wireshark accepts, before any encrypted record
                    w.writeSecrets(DecryptionSecrets.TLS_KEY_LOG, keyLog);
                }
                w.write(p.timestampNanos(), p.linkType(), p.data());
            }
        }
        List<AnalyzedConnection> all = new ArrayList<>();
        CaptureAnalyzer.Summary s = CaptureAnalyzer.analyze(ng, CaptureSecrets.Files.NONE, all::add, null);
        assertThat(all).hasSize(1);
        Report r = all.get(0).report();
        bothSidesDecrypted(r);
        assertThat(stage(r, Stage.ACTIVATION).status()).isEqualTo(Status.OK);
        assertThat(s.tlsSecretsText()).contains("1 decryption secrets block(s) in the capture");
        assertThat((Integer) s.tlsSecrets().get("keyLogLines")).isPositive();
        // counts, never the secrets themselves
        String json = ReportJson.render(r) + ReportJson.write(s.tlsSecrets());
        for (String line : new String(keyLog, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split(" ");
            if (f.length == 3) {
                assertThat(json).doesNotContain(f[2]).doesNotContain(f[1]);
            }
        }
    }

    private static String[] cli(int expectedExit, String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = io.rdpprobe.cli.Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        cl.setErr(new java.io.PrintWriter(err));
        String[] all = new String[args.length + 1];
        all[0] = "analyze";
        System.arraycopy(args, 0, all, 1, args.length);
        assertThat(cl.execute(all)).as(err.toString()).isEqualTo(expectedExit);
        return new String[] {out.toString(), err.toString()};
    }

    @Test
    void analyzeCommandTakesKeyLogsAndRsaKeys() throws IOException {
        String cap = DIR.resolve("shadow-nla-authonly-ok.pcap").toString();
        String k = DIR.resolve("shadow-nla-authonly-ok.keys").toString();
        String text = cli(0, "--keylog", k, "--keylog", DIR.resolve("xrdp-tls-xfreerdp-connect.keys").toString(), cap)[0];
        assertThat(text).contains("CredSSP OK for rdptest").contains("TLS secrets: ").contains("shadow-nla-authonly-ok.keys: ")
                .contains("xrdp-tls-xfreerdp-connect.keys: ");
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(cli(0, "--json", "--keylog", k, cap)[0]);
        assertThat(root.get("summary").get("tlsSecrets").get("keyLogLines").asInt()).isPositive();
        assertThat(root.get("connections").get(0).get("capture").get("tlsDecryption").get("status").asText()).isEqualTo("decrypted");
        // no secret line in the output, ever
        for (String line : Files.readAllLines(Path.of(k))) {
            String[] f = line.split(" ");
            if (f.length == 3) assertThat(text + root).doesNotContain(f[2]);
        }
        // a PEM file without a key is an unreadable input, said before any analysis
        Path pem = Files.writeString(tmp.resolve("bad.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertThat(cli(3, "--rsa-key", pem.toString(), cap)[1]).contains("cannot read the TLS secrets");
        assertThat(cli(3, "--keylog", tmp.resolve("missing.keys").toString(), cap)[1]).contains("cannot read the TLS secrets");
    }

    // ---- tshark's dissection of the same capture with the same key log ---------------------------------------

    /** tshark's presence: the one check, shared with GatewayCapturesTest. */
    private static boolean tshark() {
        return GatewayCapturesTest.hasTshark();
    }

    /** The distinct non-empty values tshark shows for {@code field} in the decrypted capture. */
    private static Set<String> tshark(String base, int port, String field) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tshark", "-r", DIR.resolve(base + ".pcap").toString(),
                "-o", "tls.keylog_file:" + DIR.resolve(base + ".keys"), "-d", "tcp.port==" + port + ",tls",
                "-d", "tls.port==" + port + ",tpkt", "-T", "fields", "-e", field).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Set<String> v = new LinkedHashSet<>();
        for (String line : out.split("\n")) {
            for (String x : line.split(",")) {
                if (!x.isBlank()) v.add(x.trim());
            }
        }
        return v;
    }

    @Test
    void credsspFieldsAgreeWithTshark() throws Exception {
        assumeTrue(tshark(), "tshark is not installed");
        for (String base : List.of("shadow-nla-authonly-ok", "shadow-nla-authonly-wrongpass")) {
            Map<String, Object> ev = stage(decrypted(base).report(), Stage.CREDSSP).evidence();
            assertThat(tshark(base, 33892, "ntlmssp.auth.username")).as(base).containsExactly((String) ev.get("ntlmUser"));
            Set<String> domain = tshark(base, 33892, "ntlmssp.auth.domain");
            domain.remove("NULL");
            assertThat(domain.isEmpty() ? "" : domain.iterator().next()).as(base).isEqualTo(ev.get("ntlmDomain"));
            Set<String> host = tshark(base, 33892, "ntlmssp.auth.hostname");
            host.remove("NULL"); // tshark's word for an empty field
            assertThat(host.isEmpty() ? "" : host.iterator().next()).as(base).isEqualTo(ev.get("ntlmWorkstation"));
            assertThat(tshark(base, 33892, "ntlmssp.challenge.target_name")).as(base)
                    .containsExactly((String) ev.get("ntlmTargetName"));
            assertThat(tshark(base, 33892, "credssp.version")).as(base)
                    .contains(String.valueOf(ev.get("clientCredSspVersion")), String.valueOf(ev.get("serverCredSspVersion")));
        }
    }

    @Test
    void sessionFieldsAgreeWithTshark() throws Exception {
        assumeTrue(tshark(), "tshark is not installed");
        for (String base : List.of("xrdp-tls-xfreerdp-connect", "xrdp-tls12-ecdhe-xfreerdp-connect",
                "xrdp-tls10-aes-cbc-sha-xfreerdp-connect")) {
            if (!Files.exists(DIR.resolve(base + ".keys"))) {
                continue; // recorded on another branch
            }
            AnalyzedConnection a = decrypted(base);
            int port = a.tcp().server().port();
            Report r = a.report();
            Map<String, Object> lic = stage(r, Stage.LICENSING).evidence();
            Set<String> user = tshark(base, port, "rdp.userName");
            if (!user.isEmpty()) {
                assertThat(user).as(base).containsExactly((String) lic.get("clientInfoUser"));
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> client = (Map<String, Object>) stage(r, Stage.MCS).evidence().get("client");
            assertThat(tshark(base, port, "rdp.client.name")).as(base).containsExactly((String) client.get("clientName"));
            Set<String> caps = tshark(base, port, "rdp.numberCapabilities");
            assertThat(caps).as(base).contains(String.valueOf(stage(r, Stage.ACTIVATION).evidence().get("capabilityCount")),
                    String.valueOf(stage(r, Stage.ACTIVATION).evidence().get("confirmActiveCapabilityCount")));
        }
    }

    /**
     * Every lab capture that comes with its secrets (a .keys key log, a .key PEM RSA key, or DSBs in a pcapng) is
     * read past TLS to the stage the real session reached (testdata/captures/PROVENANCE.md).
     */
    @Test
    void everyLabCaptureWithSecretsIsReadPastTls() throws IOException {
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("xrdp-tls-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("shadow-nla-authonly-ok.pcap", "OK ACTIVATION");
        expected.put("shadow-nla-authonly-wrongpass.pcap", "FAILED CREDSSP LOGON_FAILURE");
        expected.put("xrdp-tls12-ecdhe-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("xrdp-tls10-aes-cbc-sha-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("xrdp-tls12-rsa-aes256gcm-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("xrdp-tls12-rsa-aes128cbc-sha256-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("xrdp-tls12-rsa-aes128cbc-sha256-mte-xfreerdp-connect.pcap", "OK ACTIVATION");
        expected.put("probe-xrdp-tls.pcapng", "OK ACTIVATION");
        expected.put("probe-xrdp-tls12.pcapng", "OK ACTIVATION");
        expected.put("probe-shadow-nla-ok.pcapng", "OK CREDSSP");
        expected.put("probe-shadow-nla-wrongpass.pcapng", "FAILED CREDSSP LOGON_FAILURE");
        int seen = 0;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            Path cap = DIR.resolve(e.getKey());
            if (!Files.exists(cap)) {
                continue; // recorded on another branch
            }
            String base = e.getKey().replaceAll("\\.pcap(ng)?$", "");
            List<Path> keyLogs = Files.exists(DIR.resolve(base + ".keys")) ? List.of(DIR.resolve(base + ".keys")) : List.of();
            List<Path> rsa = Files.exists(DIR.resolve(base + ".key")) ? List.of(DIR.resolve(base + ".key")) : List.of();
            Report r = only(cap, CaptureSecrets.load(keyLogs, rsa)).report();
            String v = r.verdict().status() + " " + r.verdict().stage() + (r.verdict().cause() == null ? "" : " " + r.verdict().cause());
            assertThat(v).as(e.getKey()).isEqualTo(e.getValue());
            assertThat(String.valueOf(decryption(r))).as(e.getKey()).contains("status=decrypted");
            seen++;
        }
        assertThat(seen).isGreaterThanOrEqualTo(3);
        // two connections, the key log has the first one's secret only: the second stays at TLS with NO_SECRET
        Path two = DIR.resolve("xrdp-tls12-two-connections-one-secret.pcap");
        if (Files.exists(two)) {
            List<AnalyzedConnection> all = new ArrayList<>();
            CaptureAnalyzer.analyze(two, CaptureSecrets.load(List.of(DIR.resolve("xrdp-tls12-two-connections-one-secret.keys")),
                    List.of()), all::add, null);
            assertThat(all).hasSize(2);
            assertThat(all.get(0).report().verdict().stage()).isEqualTo(Stage.ACTIVATION);
            assertThat(all.get(1).report().verdict().stage()).isEqualTo(Stage.TLS);
            assertThat(String.valueOf(decryption(all.get(1).report()))).contains("NO_SECRET");
            assertThat(stage(all.get(1).report(), Stage.MCS).summary()).contains("not decrypted: NO_SECRET");
        }
    }
}
