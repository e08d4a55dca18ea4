package io.rdpprobe.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResumeAndSummaryTest {
    @TempDir
    Path dir;

    @Test
    void aCompleteLastRowWithoutItsLineEndIsKeptAndEnded() throws Exception {
        Path f = dir.resolve("a.jsonl");
        Files.writeString(f, "{\"target\":\"h1:3389\"}\n{\"target\":\"h2:3389\",\"gateway\":\"RDG:443\"}");
        List<Map<String, Object>> rows = new ArrayList<>();
        ResumeFile.Done d = ResumeFile.read(f, rows::add);
        assertThat(d.keys()).containsExactlyInAnyOrder("h1:3389", "h2:3389 via rdg:443");
        assertThat(rows).hasSize(2);
        assertThat(Files.readString(f)).endsWith("\"RDG:443\"}\n");
    }

    @Test
    void aDamagedRowEndsWhatCountsAsDone() throws Exception {
        Path f = dir.resolve("b.jsonl");
        Files.writeString(f, "{\"target\":\"h1:3389\"}\n\n{\"target\":\"h2:33");
        ResumeFile.Done d = ResumeFile.read(f, r -> { });
        assertThat(d.keys()).containsExactly("h1:3389");
        assertThat(d.truncatedTail()).isTrue();
        assertThat(Files.readString(f)).isEqualTo("{\"target\":\"h1:3389\"}\n\n");
        assertThat(ResumeFile.read(dir.resolve("missing.jsonl"), r -> { }).rows()).isZero();
    }

    @Test
    void theKeyOfARowIsTheKeyOfItsTarget() {
        ScanTarget t = new TargetParser(3389, TargetParser.gateway("RDG", "x")).add("[2001:DB8::1]:3390").targets().get(0);
        assertThat(ResumeFile.key(Map.of("target", "[2001:db8::1]:3390", "gateway", "rdg:443"))).isEqualTo(t.key());
    }

    private static Map<String, Object> stage(String name, String status, String cause, Map<String, Object> ev) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("stage", name);
        m.put("status", status);
        m.put("cause", cause);
        m.put("evidence", ev);
        return m;
    }

    @Test
    void theSummaryReadsTheProbesFindingsOnly() {
        Instant now = Instant.parse("2026-12-01T00:00:00Z");
        FleetSummary s = new FleetSummary(Duration.ofDays(30), now);
        s.add(Map.of("target", "a:3389",
                "stages", List.of(stage("X224", "OK", null, Map.of("requested", "SSL|HYBRID|HYBRID_EX", "selected", "SSL")),
                        stage("TLS", "WARNING", "TLS_DEPRECATED_VERSION", Map.of("version", "TLS 1.0",
                                "findings", List.of("CERT_SELF_SIGNED: x", "TLS_DEPRECATED_VERSION: negotiated TLS 1.0"),
                                "certificates", List.of(Map.of("subject", "CN=a", "notAfter", "2026-12-20T00:00:00Z")))),
                        stage("CREDSSP", "NOT_REACHED", null, Map.of())),
                "verdict", Map.of("status", "WARNING", "cause", "TLS_DEPRECATED_VERSION", "inferred", false)), false);
        s.add(Map.of("target", "b:3389",
                "stages", List.of(stage("X224", "WARNING", "PROTOCOL_NOT_REQUESTED",
                        Map.of("requested", "SSL|HYBRID|HYBRID_EX", "selected", "RDP")),
                        stage("TLS", "OK", null, Map.of("version", "TLS 1.2",
                                "certificates", List.of(Map.of("subject", "CN=b", "notAfter", "2021-01-01T00:00:00Z"))))),
                "verdict", Map.of("status", "WARNING", "cause", "PROTOCOL_NOT_REQUESTED", "inferred", false)), false);
        s.add(Map.of("target", "c:3389",
                "stages", List.of(stage("X224", "OK", null, Map.of("requested", "SSL|HYBRID|HYBRID_EX", "selected", "HYBRID")),
                        stage("TLS", "OK", null, Map.of("certificates", List.of(Map.of("subject", "CN=c",
                                "notAfter", "2027-06-01T00:00:00Z")))),
                        stage("CREDSSP", "WARNING", "CLOCK_SKEW", Map.of("clockSkewMs", 420000, "clockSkewUncertaintyMs", 3,
                                "clockSkewWarning", "more than 5 minutes"))),
                "verdict", Map.of("status", "WARNING", "cause", "CLOCK_SKEW", "inferred", false),
                "tlsVersions", List.of(Map.of("version", "1.1", "accepted", true, "deprecated", true),
                        Map.of("version", "1.0", "accepted", false, "deprecated", true))), true);
        s.add(Map.of("target", "d:3389", "stages", List.of(),
                "verdict", Map.of("status", "FAILED", "cause", "LOGON_FAILURE", "inferred", true)), false);
        s.scanFacts(5, 1, 1, 0, true, 2000);
        String text = s.toText();
        assertThat(text).contains("Fleet summary: 4 of 5 target(s) probed (1 from the resumed file), 1 duplicate(s) skipped")
                .contains("INTERRUPTED: 1 target(s)").contains("1  FAILED LOGON_FAILURE (inferred)")
                .contains("Certificates expiring within 30 days (by date): 2");
        // sorted by date: the expired one first; c's (next June) is not listed
        assertThat(text.indexOf("2021-01-01T00:00:00Z")).isLessThan(text.indexOf("2026-12-20T00:00:00Z"));
        assertThat(text).doesNotContain("CN=c").contains("expired 2160 days ago").contains("in 19 days");
        assertThat(text).contains("Hosts without NLA: 2").contains("a:3389  selected SSL").contains("b:3389  selected RDP");
        assertThat(text).contains("Hosts with legacy RDP security (Standard RDP Security): 1\n  b:3389  selected RDP");
        assertThat(text).contains("Hosts with deprecated TLS (1.0/1.1): 2").contains("a:3389  negotiated TLS 1.0")
                .contains("c:3389  --enumerate: accepts TLS 1.1");
        assertThat(text).contains("Clock skew beyond 5 minutes: 1\n  c:3389  clockSkewMs 420000 ± 3");
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) s.toJson();
        assertThat(json.get("failuresByCause")).isEqualTo(Map.of("LOGON_FAILURE", 1));
        assertThat((List<?>) json.get("certificatesExpiring")).hasSize(2);
        assertThat(json.get("targetsPerSecond")).isEqualTo(1.5);
    }
}
