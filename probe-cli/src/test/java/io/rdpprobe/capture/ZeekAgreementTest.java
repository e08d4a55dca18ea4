package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Agreement with Zeek: for every capture under ../shared/pcaps/zeek that has an rdp.log baseline, every RDP connection
 * Zeek logged is found, and each rdp.log field equals {@link ZeekMapping}'s rendering of our decode. The captures are
 * read in place (never copied into the project); the test is skipped only when that folder is absent.
 */
class ZeekAgreementTest {
    static Path zeekDir() {
        String prop = System.getProperty("rdpprobe.shared");
        List<Path> candidates = new ArrayList<>();
        if (prop != null) candidates.add(Path.of(prop));
        candidates.add(Path.of("../../shared")); // /work/main/probe-cli -> /work/shared
        candidates.add(Path.of("../../../shared")); // a worktree one level deeper
        for (Path p : candidates) {
            Path z = p.resolve("pcaps/zeek").toAbsolutePath().normalize();
            if (Files.isDirectory(z)) {
                return z;
            }
        }
        return null;
    }

    static Stream<String> capturesWithRdpLog() throws IOException {
        Path z = zeekDir();
        if (z == null) {
            return Stream.of("(shared folder absent)");
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(z)) {
            s.filter(p -> p.toString().endsWith(".pcap") || p.toString().endsWith(".pcapng")).sorted().forEach(p -> {
                String name = p.getFileName().toString().replaceFirst("\\.pcap(ng)?$", "");
                if (Files.exists(z.resolve("baselines").resolve(name).resolve("rdp.log"))) {
                    out.add(name);
                }
            });
        }
        return out.stream();
    }

    /** Zeek's TSV log: rows keyed by column name. */
    static List<Map<String, String>> readZeekLog(Path log) throws IOException {
        List<String> fields = null;
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("#fields")) {
                fields = List.of(line.substring("#fields\t".length()).split("\t", -1));
            } else if (!line.startsWith("#") && !line.isBlank() && fields != null) {
                String[] v = line.split("\t", -1);
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < fields.size() && i < v.length; i++) {
                    row.put(fields.get(i), v[i]);
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturesWithRdpLog")
    void everyRdpLogFieldAgrees(String name) throws IOException {
        Path z = zeekDir();
        assumeTrue(z != null, "../shared/pcaps/zeek is absent");
        List<Map<String, String>> zeek = readZeekLog(z.resolve("baselines").resolve(name).resolve("rdp.log"));
        List<AnalyzedConnection> ours = CaptureAnalyzer.analyzeAll(z.resolve(name + ".pcap"));
        List<AnalyzedConnection> tcp = ours.stream().filter(c -> c.tcp() != null).toList();
        assertThat(tcp).as("RDP connections in " + name).hasSize(zeek.size());
        SoftAssertions soft = new SoftAssertions();
        for (Map<String, String> row : zeek) {
            int port = Integer.parseInt(row.get("id.orig_p"));
            AnalyzedConnection c = tcp.stream().filter(x -> x.tcp().client().port() == port).findFirst().orElseThrow();
            assertThat(c.tcp().client().host()).isEqualTo(row.get("id.orig_h"));
            assertThat(c.tcp().server().host()).isEqualTo(row.get("id.resp_h"));
            Map<String, String> mine = ZeekMapping.rdpLog(c.tcp());
            for (String f : ZeekMapping.FIELDS) {
                soft.assertThat(mine.get(f)).as(name + " port " + port + " field " + f).isEqualTo(row.get(f));
            }
        }
        soft.assertAll();
    }

    @Test
    void tlsMetadataAgreesWithZeeksSslLog() throws IOException {
        Path z = zeekDir();
        assumeTrue(z != null, "../shared/pcaps/zeek is absent");
        Path log = z.resolve("baselines/rdp-to-ssl/ssl.log");
        assumeTrue(Files.exists(log));
        List<AnalyzedConnection> ours = CaptureAnalyzer.analyzeAll(z.resolve("rdp-to-ssl.pcap"));
        for (Map<String, String> row : readZeekLog(log)) {
            int port = Integer.parseInt(row.get("id.orig_p"));
            AnalyzedConnection c = ours.stream().filter(x -> x.tcp().client().port() == port).findFirst().orElseThrow();
            var tls = c.report().stages().stream().filter(s -> s.stage() == Stage.TLS).findFirst().orElseThrow();
            assertThat(tls.status()).isEqualTo(Status.OK);
            // ours is the live probe's "TLS 1.0", Zeek's "TLSv10"
            assertThat(tls.evidence().get("version").toString().replace("TLS ", "TLSv").replace(".", "")).isEqualTo(row.get("version"));
            assertThat(tls.evidence()).containsEntry("cipherSuite", row.get("cipher")).containsEntry("sni", row.get("server_name"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> chain = (List<Map<String, Object>>) tls.evidence().get("certificates");
            assertThat(chain.stream().map(m -> m.get("sha256")).toList()).containsExactly(row.get("cert_chain_fps").split(","));
            assertThat(chain.get(0)).containsEntry("subject", row.get("subject")).containsEntry("issuer", row.get("issuer"));
        }
    }

    @Test
    void invalidLengthCaptureIsAClearMalformedResponse() throws IOException {
        Path z = zeekDir();
        assumeTrue(z != null, "../shared/pcaps/zeek is absent");
        List<AnalyzedConnection> ours = CaptureAnalyzer.analyzeAll(z.resolve("rdp-invalid-length.pcap"));
        assertThat(ours).hasSize(1);
        var v = ours.get(0).report().verdict();
        assertThat(v.status()).isEqualTo(Status.FAILED);
        assertThat(v.stage()).isEqualTo(Stage.X224);
        assertThat(v.cause()).isEqualTo(Causes.MALFORMED_RESPONSE.code());
        // Zeek: "&enforce violation : RDP_Negotiation_Response:length"
        assertThat(v.summary()).contains("RDP_NEG_RSP.length").contains("expected 8, got 0");
    }

    @Test
    void rdpUdpHandshakeIsSeen() throws IOException {
        Path z = zeekDir();
        assumeTrue(z != null, "../shared/pcaps/zeek is absent");
        List<AnalyzedConnection> ours = CaptureAnalyzer.analyzeAll(z.resolve("rdpeudp-handshake-success.pcap"));
        assertThat(ours).hasSize(1);
        RdpUdpFlow f = ours.get(0).udp();
        assertThat(f).isNotNull();
        // Zeek: rdpeudp_syn then rdpeudp_synack for [::1]:61291 -> [::1]:3389
        assertThat(f.client.toString()).isEqualTo("[::1]:61291");
        assertThat(f.server.port()).isEqualTo(3389);
        assertThat(f.tSyn).isPositive();
        assertThat(f.tSynAck).isGreaterThan(f.tSyn);
        assertThat(ours.get(0).report().verdict().status()).isEqualTo(Status.OK);
    }
}
