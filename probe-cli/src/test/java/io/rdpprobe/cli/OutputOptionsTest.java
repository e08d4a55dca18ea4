package io.rdpprobe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rdpprobe.cli.CliTest.Run;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.report.TextRenderer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 17 findings 9, 12 and 13: how much the report prints (-q, default, -v, -vv, --summary), colour, options that
 * mean the same in every command, --stop-after at every stage, --output, the files' modes, and the JSON's metadata.
 */
class OutputOptionsTest {
    private static final String ESC = "\u001b[";

    static Run run(String... args) {
        return CliTest.run(args);
    }

    /** The lines of the report proper (without the demo banner). */
    private static List<String> reportLines(String out) {
        return out.lines().filter(l -> !l.startsWith("demo ")).toList();
    }

    // ---- finding 9: default length, -q, -v, -vv, --summary ----------------------------------------------------

    @Test
    void theDefaultIsTheStageLinesAndTheVerdict() {
        Run r = run("demo", "--timeout", "8s");
        assertThat(r.code()).isZero();
        List<String> lines = reportLines(r.out());
        // header, 9 stages, blank, verdict (was ~117 lines with the evidence)
        assertThat(lines).hasSizeLessThanOrEqualTo(13);
        assertThat(lines.get(0)).startsWith("rdp-probe 127.0.0.1:");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("  ACTIVATION        OK"));
        assertThat(lines.get(lines.size() - 1)).startsWith("Verdict: OK at ACTIVATION");
        assertThat(r.out()).doesNotContain("serverPublicKey").doesNotContain("      host:").doesNotContain(ESC);
        // the MCS line says what the six joins were: user and I/O channel plus the four static virtual channels
        assertThat(r.out()).contains("joined 6 channel(s): user 1008, I/O 1003, 4 static virtual channels");
    }

    @Test
    void quietPrintsTheVerdictAlone() {
        Run ok = run("demo", "-q", "--timeout", "8s");
        assertThat(ok.code()).isZero();
        assertThat(ok.out()).startsWith("Verdict: OK at ACTIVATION").doesNotContain("demo target").doesNotContain("  DNS ");
        assertThat(ok.out().lines().count()).isEqualTo(1);
        Run deny = run("demo", "--quiet", "--fault", "deny", "--timeout", "8s");
        assertThat(deny.code()).isEqualTo(17);
        assertThat(deny.out()).startsWith("Verdict: FAILED at LICENSING - ERRINFO_SERVER_DENIED_CONNECTION")
                .contains("  Fix: ").contains("The Windows client would show: 0x904 / extended 0x7")
                .doesNotContain("LICENSING         FAILED");
    }

    @Test
    void verboseAddsTheEvidenceWithLongHexAbbreviatedAndNoEmptyLines() {
        Run v = run("demo", "-v", "--protocols", "ssl", "--timeout", "8s");
        assertThat(v.code()).isZero();
        assertThat(v.out()).contains("      host: 127.0.0.1").contains("      selected: SSL")
                .containsPattern("serverPublicKey: 3082010a0282010100[0-9a-f]{14}\\.\\.\\. \\(270 bytes, sha256 [0-9a-f]{64}; -vv shows all\\)")
                .containsPattern("joined 6 channel\\(s\\): user 1008, I/O 1003, 4 static virtual channels \\(rdpdr 1004, rdpsnd 1005, "
                        + "cliprdr 1006, drdynvc 1007\\)");
        // never an evidence line without a value ("findings: ", "serverEarlyCapabilities: ")
        assertThat(v.out().lines()).noneMatch(l -> l.matches("\\s+[A-Za-z0-9]+: *$") && !l.endsWith(":"))
                .noneMatch(l -> l.endsWith(": "));
        Run vv = run("demo", "-vv", "--protocols", "ssl", "--timeout", "8s");
        assertThat(vv.out()).containsPattern("serverPublicKey: 3082010a0282010100[0-9a-f]{522}\n").doesNotContain("-vv shows all");
    }

    @Test
    void summaryIsOneLineInAnalyzesFormat() {
        Run r = run("demo", "--summary", "--fault", "DENY", "--timeout", "8s");
        assertThat(r.code()).isEqualTo(17);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(1);
        String[] f = lines.get(0).split(" ", 6);
        Instant.parse(f[0]); // UTC ISO-8601
        assertThat(f[1]).startsWith("127.0.0.1:");
        assertThat(f[2] + " " + f[3] + " " + f[4]).isEqualTo("FAILED LICENSING ERRINFO_SERVER_DENIED_CONNECTION");
        assertThat(f[5]).isNotBlank();
    }

    @Test
    void outputLevelsThatExcludeEachOtherAreUsageErrors() {
        for (String[] args : new String[][] {{"demo", "-q", "-v"}, {"demo", "--summary", "--json"}, {"demo", "--summary", "-v"}}) {
            Run r = run(args);
            assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
            assertThat(r.err().lines().toList()).hasSizeLessThanOrEqualTo(3).last().asString().startsWith("try 'rdp-probe demo --help'");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void analyzeTakesTheSameQuietAndVerboseAsTheProbe(@TempDir Path dir) throws Exception {
        Path pcap = dir.resolve("demo.pcap");
        assertThat(run("demo", "--protocols", "ssl", "--capture", pcap.toString(), "-q", "--timeout", "8s").code()).isZero();
        Run def = run("analyze", pcap.toString());
        assertThat(def.code()).isZero();
        assertThat(def.out()).contains("  X224              OK").contains("Verdict:").doesNotContain("      selected:");
        Run quiet = run("analyze", "-q", pcap.toString());
        assertThat(quiet.out()).contains("Verdict:").doesNotContain("  X224  ");
        Run verbose = run("analyze", "-v", pcap.toString());
        assertThat(verbose.out()).contains("  X224              OK").contains("      selected: SSL");
        Run old = run("analyze", "--no-evidence", pcap.toString()); // the old option: a hidden alias of the default
        assertThat(old.code()).isZero();
        assertThat(old.out()).isEqualTo(def.out());
        assertThat(run("analyze", "--help").out()).doesNotContain("--no-evidence").contains("-q, --quiet").contains("-v, --verbose");
        assertThat(run("analyze", "-q", "-v", pcap.toString()).code()).isEqualTo(2);
    }

    @Test
    void colourOnlyOnATerminalWithoutNoColor() {
        assertThat(TextRenderer.colourWanted(true, Map.of())).isTrue();
        assertThat(TextRenderer.colourWanted(true, Map.of("NO_COLOR", ""))).isTrue(); // no-color.org: set and not empty
        assertThat(TextRenderer.colourWanted(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(TextRenderer.colourWanted(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(TextRenderer.colourWanted(false, Map.of())).isFalse();
        var stages = List.of(io.rdpprobe.probe.model.StageResult.ok(Stage.DNS, 1, Map.of(), "ok"),
                io.rdpprobe.probe.model.StageResult.failed(Stage.TCP, 2, Map.of(), io.rdpprobe.probe.model.Causes.CONNECTION_REFUSED,
                        "refused"));
        var report = new io.rdpprobe.probe.model.Report("h:1", stages);
        String coloured = new TextRenderer(TextRenderer.Detail.STAGES, true).render(report);
        assertThat(coloured).contains(ESC + "31mFAILED" + ESC + "0m     ").contains("Verdict: " + ESC + "31mFAILED" + ESC + "0m at TCP")
                .doesNotContain(ESC + "31mOK");
        String plain = new TextRenderer(TextRenderer.Detail.STAGES, false).render(report);
        assertThat(plain).doesNotContain(ESC);
        // the columns line up with and without colour
        assertThat(coloured.replace(ESC + "31m", "").replace(ESC + "0m", "")).isEqualTo(plain);
    }

    // ---- finding 12: one meaning per option ------------------------------------------------------------------

    @Test
    void enumValuesAreCaseInsensitive() {
        assertThat(run("demo", "-q", "--fault", "deny", "--timeout", "8s").code()).isEqualTo(17);
        assertThat(run("demo", "-q", "--fault", "Deny", "--timeout", "8s").code()).isEqualTo(17);
        assertThat(run("demo", "-q", "--stop-after", "Tls", "--timeout", "8s").out()).startsWith("Verdict: OK at TLS");
        assertThat(run("demo", "-q", "--protocols", "SSL", "--timeout", "8s").out()).contains("TLS CERT_SELF_SIGNED");
        assertThat(run("demo", "-q", "--gateway", "--gateway-fault", "cap_denied", "--timeout", "8s").code()).isEqualTo(22);
    }

    @Test
    void durationsTakeMillisecondsSecondsMinutesAndHours() {
        Durations d = new Durations();
        assertThat(d.convert("500ms")).isEqualTo(500);
        assertThat(d.convert("10")).isEqualTo(10_000);
        assertThat(d.convert("2.5s")).isEqualTo(2_500);
        assertThat(d.convert("3m")).isEqualTo(180_000);
        assertThat(d.convert("0.5M")).isEqualTo(30_000);
        assertThat(d.convert("1h")).isEqualTo(3_600_000);
        assertThat(run("demo", "-q", "--timeout", "3m").code()).isZero();
        Run bad = run("demo", "--timeout", "3d");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).startsWith("Invalid value for option '--timeout': not a duration: '3d' (use a number with ms, s, m or h");
    }

    /** Every accepted --stop-after value stops exactly there: that stage is the last one run, none after it. */
    @ParameterizedTest
    @ValueSource(strings = {"dns", "tcp", "x224", "tls", "credssp", "mcs", "licensing", "activation",
            "gateway_tls", "gateway_http", "gateway_tunnel", "gateway_channel"})
    void stopAfterStopsExactlyThere(String value) throws Exception {
        Stage stage = Stage.valueOf(value.toUpperCase(java.util.Locale.ROOT));
        boolean gw = StopAfter.isGatewayStage(stage);
        Run r = gw ? run("demo", "--gateway", "--json", "--stop-after", value, "--timeout", "8s")
                : run("demo", "--json", "--stop-after", value, "--timeout", "8s");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        JsonNode stages = j.get("stages");
        JsonNode last = stages.get(stages.size() - 1);
        assertThat(last.get("stage").asText()).isEqualTo(stage.name());
        assertThat(last.get("status").asText()).isEqualTo("OK");
        for (JsonNode s : stages) {
            assertThat(Stage.valueOf(s.get("stage").asText()).ordinal()).isLessThanOrEqualTo(stage.ordinal());
        }
        assertThat(j.get("verdict").get("stage").asText()).isEqualTo(stage.name());
        if (stage != Stage.ACTIVATION) {
            assertThat(j.get("verdict").get("goFurther").asText()).isEqualTo("run without --stop-after " + value);
            assertThat(j.get("verdict").get("notTried").get(0).asText()).isNotEqualTo(stage.name());
        }
    }

    @Test
    void stopAfterSecurityExchangeUnderStandardRdpSecurityAndWhereTlsSkipsIt() throws Exception {
        Run rdp = run("demo", "--protocols", "rdp", "--stop-after", "security_exchange", "--timeout", "8s");
        assertThat(rdp.code()).isZero();
        assertThat(rdp.out()).contains("SECURITY_EXCHANGE OK").doesNotContain("LICENSING ")
                .contains("Verdict: OK at SECURITY_EXCHANGE");
        // under Enhanced RDP Security the stage is skipped: the probe stops where it would have been, before LICENSING
        Run tls = run("demo", "--stop-after", "security_exchange", "--timeout", "8s");
        assertThat(tls.out()).contains("SECURITY_EXCHANGE SKIPPED").doesNotContain("LICENSING ");
    }

    @Test
    void stopAfterRefusesAnythingButAStageInOneUsageError() {
        Run r = run("probe", "127.0.0.1:1", "--stop-after", "bogus");
        assertThat(r.code()).isEqualTo(2);
        List<String> err = r.err().lines().toList();
        assertThat(err).hasSize(3);
        assertThat(err.get(0)).isEqualTo("Invalid value for option '--stop-after': 'bogus' is not a stage (use one of dns, "
                + "tcp, gateway_tls, gateway_http, gateway_tunnel, gateway_channel, x224, tls, credssp, mcs, security_exchange, "
                + "licensing, activation)");
        assertThat(err.get(2)).isEqualTo("try 'rdp-probe probe --help'");
        Run noGateway = run("probe", "127.0.0.1:1", "--stop-after", "gateway_tunnel");
        assertThat(noGateway.code()).isEqualTo(2);
        assertThat(noGateway.err()).startsWith("Invalid value for option '--stop-after': gateway_tunnel needs --gateway");
        // the credentials were not tested because the probe stopped, not because the server lacks NLA
        Run x224 = run("demo", "-q", "--stop-after", "x224", "--timeout", "8s");
        assertThat(x224.out()).startsWith("Verdict: OK at X224").doesNotContain("CREDENTIALS_NOT_TESTED")
                .contains("Not tried (the probe stopped after X224 by design): TLS, CREDSSP, MCS, LICENSING, ACTIVATION");
    }

    @Test
    void keyLogAppendsUnlessForcedAndIsCreatedOwnerOnly(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("probe.keys");
        Path pcap = dir.resolve("probe.pcap");
        assertThat(run("demo", "-q", "--keylog", keys.toString(), "--capture", pcap.toString(), "--timeout", "8s").code()).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(pcap))).isEqualTo("rw-------");
        long first = Files.readAllLines(keys).size();
        assertThat(first).isGreaterThanOrEqualTo(5); // TLS 1.3: five secrets per session
        // without --force: appended (SSLKEYLOGFILE convention), the capture refused
        assertThat(run("demo", "-q", "--keylog", keys.toString(), "--timeout", "8s").code()).isZero();
        assertThat(Files.readAllLines(keys)).hasSize((int) (2 * first));
        Run again = run("demo", "-q", "--capture", pcap.toString(), "--timeout", "8s");
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err()).startsWith("Invalid value for option '--capture': " + pcap + " exists; use --force");
        // --force: the key log starts afresh, created 0600 again even where the old file was world-readable
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(run("demo", "-q", "--keylog", keys.toString(), "--capture", pcap.toString(), "--force", "--timeout", "8s")
                .code()).isZero();
        assertThat(Files.readAllLines(keys)).hasSize((int) first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys))).isEqualTo("rw-------");
        // something that is not a key log is refused, a link is not followed
        Path notes = Files.writeString(dir.resolve("notes.txt"), "my notes\n");
        assertThat(run("demo", "-q", "--keylog", notes.toString(), "--timeout", "8s").err())
                .startsWith("Invalid value for option '--keylog': " + notes + " exists and is not a key log");
        Path link = Files.createSymbolicLink(dir.resolve("link.keys"), keys);
        Run viaLink = run("demo", "-q", "--keylog", link.toString(), "--force", "--timeout", "8s");
        assertThat(viaLink.code()).isEqualTo(2);
        assertThat(viaLink.err()).contains("is a symbolic link");
        assertThat(run("demo", "--help").out().replaceAll("\\s+", " ")).contains("an existing key log is appended to")
                .contains("--force starts it afresh");
    }

    // ---- finding 13: --output and the JSON's metadata ---------------------------------------------------------

    @Test
    void outputWritesTheChosenFormatToAFile(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("report.txt");
        Run r = run("demo", "--output", text.toString(), "--timeout", "8s");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("rdp-probe: report written to " + text);
        assertThat(Files.readString(text)).startsWith("rdp-probe 127.0.0.1:").contains("Verdict: OK at ACTIVATION")
                .doesNotContain(ESC);
        Run refused = run("demo", "-o", text.toString(), "--timeout", "8s");
        assertThat(refused.code()).isEqualTo(2);
        assertThat(refused.err()).startsWith("Invalid value for option '--output': " + text + " exists; use --force to replace it");
        Path json = dir.resolve("report.json");
        Files.writeString(json, "old");
        assertThat(run("demo", "--json", "-o", json.toString(), "--force", "--fault", "DENY", "--timeout", "8s").code())
                .isEqualTo(17);
        assertThat(new ObjectMapper().readTree(json.toFile()).get("verdict").get("cause").asText())
                .isEqualTo("ERRINFO_SERVER_DENIED_CONNECTION");
        Path target = Files.writeString(dir.resolve("elsewhere.txt"), "keep me");
        Path link = Files.createSymbolicLink(dir.resolve("link.txt"), target);
        Run viaLink = run("demo", "-o", link.toString(), "--force", "--timeout", "8s");
        assertThat(viaLink.code()).isEqualTo(2);
        assertThat(viaLink.err()).contains("is a symbolic link: rdp-probe does not follow it");
        assertThat(Files.readString(target)).isEqualTo("keep me");
    }

    @Test
    void jsonNamesTheToolItsCommitTheTimeAndTheCommandLineWithoutSecrets(@TempDir Path dir) throws Exception {
        Path pw = Files.writeString(dir.resolve("pw"), "demo\n");
        Instant before = Instant.now().minusSeconds(1);
        Run r = run("demo", "--json", "--user", "DEMO\\demo", "--password-file", pw.toString(), "--timeout", "8s");
        assertThat(r.code()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.get("tool").get("name").asText()).isEqualTo("rdp-probe");
        assertThat(j.get("tool").get("version").asText()).isEqualTo(BuildInfo.current().version()).isNotEqualTo("dev");
        assertThat(j.get("tool").get("commit").asText()).matches("[0-9a-f]{12}(\\+dirty)?|unknown");
        assertThat(Instant.parse(j.get("startedAt").asText())).isAfter(before).isBefore(Instant.now());
        assertThat(j.get("startedAt").asText()).endsWith("Z");
        List<String> argv = new java.util.ArrayList<>();
        j.get("commandLine").forEach(a -> argv.add(a.asText()));
        assertThat(argv).containsExactly("rdp-probe", "demo", "--json", "--user", "DEMO\\demo", "--password-file", "***",
                "--timeout", "8s");
        assertThat(r.out()).doesNotContain(pw.toString());
    }

    @Test
    void credentialValuesAreRedactedFromTheCommandLine() {
        assertThat(Main.redactArgs(List.of("probe", "h", "--password", "S3cret!", "--password-env=PW", "/p:S3cret!",
                "-pS3cret!", "--gateway-token-file", "tok.txt", "--password-stdin", "--user", "alice", "--gateway-password-env",
                "GW"))).containsExactly("probe", "h", "--password", "***", "--password-env=***", "/p:***", "-p***",
                "--gateway-token-file", "***", "--password-stdin", "--user", "alice", "--gateway-password-env", "***");
    }

    @Test
    void versionNamesTheBuildAndItsCommit() {
        for (String[] args : new String[][] {{"--version"}, {"probe", "--version"}, {"analyze", "-V"}}) {
            Run r = run(args);
            assertThat(r.code()).isZero();
            assertThat(r.out().strip()).matches("rdp-probe \\S+ \\(commit ([0-9a-f]{12}(\\+dirty)?|unknown)\\)")
                    .doesNotContain("dev");
        }
        assertThat(BuildInfo.current().version()).isNotEqualTo("unknown"); // the build wrote build.properties
    }
}
