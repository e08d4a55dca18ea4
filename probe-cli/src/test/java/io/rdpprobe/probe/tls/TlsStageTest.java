package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.TlsFollowUps;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS stage over real sockets against the embedded target's JDK TLS server. */
class TlsStageTest {
    private static ProbeRunner runner;

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static ProbeSettings settings() {
        return ProbeSettings.defaults().withTimeout(3000).withStopAfter(Stage.TLS)
                .withTls(TlsSettings.defaults().withTrust(new TrustSettings(List.of(), Set.of(), false)));
    }

    private static StageResult tls(Report r) {
        return r.stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElseThrow();
    }

    @Test
    void expiredCertificateIsAWarningWithDatesAndFatalWhenStrict() throws Exception {
        Instant now = Instant.now();
        DemoCertificate expired = DemoCertificate.selfSigned("localhost", Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2021-01-01T00:00:00Z"), 2048, "SHA256withRSA", "DNS:localhost", "IP:127.0.0.1");
        try (DemoServer s = DemoServer.startTls(expired)) {
            Report r = runner.probe(new Target("127.0.0.1", s.port()), settings());
            assertThat(tls(r).status()).isEqualTo(Status.WARNING);
            assertThat(tls(r).cause().code()).isEqualTo("CERT_EXPIRED");
            assertThat(tls(r).summary()).contains("expired 2021-01-01T00:00:00Z");
            assertThat(r.verdict().cause()).isEqualTo("CERT_EXPIRED");
            assertThat(r.exitCode()).isZero();
            ProbeSettings strict = settings().withTls(settings().tls().withTrust(new TrustSettings(List.of(), Set.of(), true)));
            Report rs = runner.probe(new Target("127.0.0.1", s.port()), strict);
            assertThat(rs.verdict().status()).isEqualTo(Status.FAILED);
            assertThat(rs.verdict().cause()).isEqualTo("CERT_EXPIRED");
            assertThat(rs.exitCode()).isEqualTo(13);
        }
        assertThat(now).isNotNull();
    }

    @Test
    void evidenceCarriesVersionSuiteChainAndPublicKey() throws Exception {
        try (DemoServer s = DemoServer.start(io.rdpprobe.demo.Fault.NONE)) {
            Report r = runner.probe(new Target("127.0.0.1", s.port()), settings());
            StageResult t = tls(r);
            assertThat(t.evidence().get("version")).isEqualTo("TLS 1.3");
            assertThat(t.evidence().get("cipherSuite").toString()).startsWith("TLS_AES_");
            assertThat(t.evidence().get("sni")).isEqualTo("none (address literal)");
            assertThat(t.evidence().get("serverPublicKey").toString()).startsWith("3082010a");
            assertThat((List<?>) t.evidence().get("certificates")).hasSize(1);
            assertThat(t.cause().code()).isEqualTo("CERT_SELF_SIGNED");
        }
    }

    @Test
    void tls13OnlyServerOfferedOldVersionsIsAConfirmedVersionMismatch() throws Exception {
        try (DemoServer s = DemoServer.startTls(DemoCertificate.demo(), "TLSv1.3")) {
            ProbeSettings old = settings().withTls(settings().tls().withVersions(List.of("1.0", "1.1", "1.2")));
            Target t = new Target("127.0.0.1", s.port());
            Report first = runner.probe(t, old);
            assertThat(tls(first).status()).isEqualTo(Status.FAILED);
            Report r = TlsFollowUps.confirmVersionMismatch(runner, t, old, first);
            assertThat(r.verdict().cause()).isEqualTo("TLS_VERSION_MISMATCH");
            assertThat(r.verdict().summary()).contains("negotiated TLS 1.3").contains("[1.0, 1.1, 1.2]");
            assertThat(tls(r).evidence()).containsKey("retry");
            // issue 17 finding 5: every version offered is older than the server's: the client is the old side
            assertThat(r.verdict().remedy()).startsWith("the client is the old side: the server accepts TLS 1.3")
                    .doesNotContain("on old servers");
        }
    }

    @Test
    void tls10OnlyServerGivesTheRightVersionTable() throws Exception {
        try (DemoServer s = DemoServer.startTls(DemoCertificate.demo(), "TLSv1")) {
            io.rdpprobe.probe.model.TlsVersionsSection table = TlsFollowUps.enumerate(runner, new Target("127.0.0.1", s.port()), settings());
            assertThat(table.rows()).extracting(io.rdpprobe.probe.model.TlsVersionsSection.Row::accepted).containsExactly(true, false, false, false);
            assertThat(table.rows().get(0).deprecated()).isTrue();
            assertThat(io.rdpprobe.report.TextRenderer.text(table)).contains("TLS 1.0  accepted").contains("[deprecated: disable it]");
        }
    }

    @Test
    void keyLogLinesAreWrittenAndOtherFilesAreProtected(@TempDir Path dir) throws Exception {
        Path keys = dir.resolve("k.keys");
        try (DemoServer s = DemoServer.start(io.rdpprobe.demo.Fault.NONE); ProbeRunner r = new ProbeRunner()) {
            r.keyLog(KeyLog.open(keys, false));
            r.probe(new Target("127.0.0.1", s.port()), settings());
            r.probe(new Target("127.0.0.1", s.port()), settings().withTls(settings().tls().withVersions(List.of("1.2"))));
        }
        List<String> lines = Files.readAllLines(keys);
        assertThat(lines).anyMatch(l -> l.startsWith("CLIENT_HANDSHAKE_TRAFFIC_SECRET "))
                .anyMatch(l -> l.startsWith("SERVER_TRAFFIC_SECRET_0 "))
                .anyMatch(l -> l.matches("CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}"));
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "my notes\n");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> KeyLog.open(notes, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--force");
        assertThat(Files.readString(notes)).isEqualTo("my notes\n");
        KeyLog.open(keys, false); // an existing key log is appended to
    }

    @Test
    void stallsPartialFlightsNonTlsAndClosesGetVerdictsWithinTheDeadline() throws Exception {
        for (var f : List.of(io.rdpprobe.demo.Fault.TLS_SILENT, io.rdpprobe.demo.Fault.TLS_PARTIAL,
                io.rdpprobe.demo.Fault.TLS_NOT_TLS, io.rdpprobe.demo.Fault.TLS_CLOSE)) {
            try (DemoServer s = DemoServer.start(f)) {
                long t0 = System.nanoTime();
                Report r = runner.probe(new Target("127.0.0.1", s.port()), settings().withTimeout(800));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertThat(r.verdict().stage()).as(f.name()).isEqualTo(Stage.TLS);
                String expected = switch (f) {
                    case TLS_SILENT, TLS_PARTIAL -> "TLS_HANDSHAKE_STALLED";
                    case TLS_NOT_TLS -> "NOT_TLS";
                    default -> "CONNECTION_CLOSED";
                };
                assertThat(r.verdict().cause()).as(f.name()).isEqualTo(expected);
                assertThat(ms).as(f.name()).isLessThan(800 + 1500);
                if (f == io.rdpprobe.demo.Fault.TLS_PARTIAL) {
                    assertThat(tls(r).evidence().get("bytesReceived")).isEqualTo(200L);
                    assertThat(r.verdict().summary()).contains("path-MTU");
                }
            }
        }
    }

    @Test
    void pinnedCertificatePassesAndAnotherFails() throws Exception {
        DemoCertificate c = DemoCertificate.demo();
        String fp = CertificateAnalyzer.sha256(c.certificate().getEncoded());
        try (DemoServer s = DemoServer.startTls(c)) {
            ProbeSettings pinned = settings().withTls(settings().tls().withTrust(new TrustSettings(List.of(), Set.of(fp), false)));
            Report ok = runner.probe(new Target("127.0.0.1", s.port()), pinned);
            assertThat(tls(ok).status()).isEqualTo(Status.OK);
            ProbeSettings wrong = settings().withTls(settings().tls().withTrust(
                    new TrustSettings(List.of(), Set.of("00".repeat(32)), false)));
            Report bad = runner.probe(new Target("127.0.0.1", s.port()), wrong);
            assertThat(bad.verdict().cause()).isEqualTo("CERT_PIN_MISMATCH");
            assertThat(bad.verdict().status()).isEqualTo(Status.FAILED);
        }
        assertThat(Duration.ZERO).isNotNull();
    }
}
