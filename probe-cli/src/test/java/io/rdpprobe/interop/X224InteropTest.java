package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.Enumeration;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The X224 stage against real xrdp 0.9.21 and FreeRDP 2.11 shadow servers on loopback. Expected answers are the
 * ones measured in shared/docs/lab-notes.md sections 1 and 2 (and re-measured by testdata/lab).
 */
@Tag("interop")
class X224InteropTest {
    private static ProbeRunner runner;
    /** Request columns of the lab-notes tables: none (legacy), 0, 1, 2, 3, 8, 11. */
    private static final List<Integer> REQUESTS = java.util.Arrays.asList(null, 0, 1, 2, 3, 8, 11);
    private static final Map<String, List<String>> XRDP = Map.of(
            "rdp", List.of("BARE", "RDP", "RDP", "RDP", "RDP", "RDP", "RDP"),
            "tls", List.of("BARE", "FAIL 1", "SSL", "FAIL 1", "SSL", "FAIL 1", "SSL"),
            "tls-expired", List.of("BARE", "FAIL 1", "SSL", "FAIL 1", "SSL", "FAIL 1", "SSL"),
            "tls-wronghost", List.of("BARE", "FAIL 1", "SSL", "FAIL 1", "SSL", "FAIL 1", "SSL"),
            "negotiate", List.of("BARE", "RDP", "SSL", "RDP", "SSL", "RDP", "SSL"));
    private static final Map<String, List<String>> SHADOW = Map.of(
            "nla", List.of("FAIL 5", "FAIL 5", "FAIL 5", "HYBRID", "HYBRID", "FAIL 5", "HYBRID"),
            "tls", List.of("FAIL 1", "FAIL 1", "SSL", "FAIL 1", "SSL", "FAIL 1", "SSL"),
            "rdp", List.of("RDP", "RDP", "FAIL 2", "FAIL 2", "FAIL 2", "FAIL 2", "FAIL 2"),
            "all", List.of("RDP", "RDP", "SSL", "HYBRID", "HYBRID", "FAIL 2", "HYBRID"));

    @BeforeAll
    static void start() {
        runner = new ProbeRunner();
    }

    @AfterAll
    static void stop() {
        runner.close();
    }

    private static Report x224(int port, Integer protocols) {
        return runner.probe(new Target("127.0.0.1", port),
                ProbeSettings.defaults().withProtocols(protocols).withStopAfter(Stage.X224).withTimeout(5000));
    }

    private static List<String> table(int port) {
        List<String> got = new ArrayList<>();
        for (Integer req : REQUESTS) {
            got.add(Lab.answer(x224(port, req)));
        }
        return got;
    }

    @Test
    void xrdpAnswersEveryRequestAsMeasured() {
        Lab.requireXrdp("rdp", "tls", "tls-expired", "tls-wronghost", "negotiate");
        assertThat(table(Lab.XRDP_PORT)).as("xrdp " + Lab.XRDP_MODE).isEqualTo(XRDP.get(Lab.XRDP_MODE));
    }

    @Test
    void shadowAnswersEveryRequestAsMeasured() {
        Lab.requireShadow("nla", "tls", "rdp", "all");
        assertThat(table(Lab.SHADOW_PORT)).as("shadow " + Lab.SHADOW_MODE).isEqualTo(SHADOW.get(Lab.SHADOW_MODE));
    }

    @Test
    void xrdpTlsSelectsSsl() {
        Lab.requireXrdp("tls");
        Report r = x224(Lab.XRDP_PORT, ProbeSettings.DEFAULT_PROTOCOLS);
        StageResult x = r.stages().get(2);
        assertThat(x.stage()).isEqualTo(Stage.X224);
        assertThat(x.status()).isEqualTo(Status.OK);
        assertThat(x.evidence()).containsEntry("selected", "SSL").containsEntry("srcRef", "0x1234");
    }

    @Test
    void xrdpRdpModeSelectsRdpIgnoringAnSslRequest() {
        Lab.requireXrdp("rdp");
        Report r = x224(Lab.XRDP_PORT, Protocols.SSL);
        StageResult x = r.stages().get(2);
        assertThat(x.status()).isEqualTo(Status.WARNING);
        assertThat(x.cause()).isEqualTo(Causes.PROTOCOL_NOT_REQUESTED);
        assertThat(x.summary()).contains("selected RDP").contains("ignores the client's request");
    }

    @Test
    void xrdpRdpModeEnumerationSaysItAlwaysPicksRdp() {
        Lab.requireXrdp("rdp");
        List<io.rdpprobe.probe.model.EnumerationSection.Row> rows = new ArrayList<>();
        for (Enumeration.Request req : Enumeration.REQUESTS) {
            rows.add(Enumeration.row(req, x224(Lab.XRDP_PORT, req.protocols())));
        }
        Enumeration e = new Enumeration(rows);
        assertThat(e.alwaysSelectsRdp()).isTrue();
        assertThat(e.notes().get(0)).contains("selects RDP").contains("for every request");
        assertThat(e.nlaRequired()).isEqualTo("no");
        // selecting RDP at X224 only makes Standard RDP Security worth testing: the encryption table decides
        assertThat(e.rdpSelected()).isTrue();
        assertThat(e.legacyRdpSecurityAllowed()).isEqualTo("unknown");
    }

    @Test
    void shadowNlaRefusesSslWithHybridRequired() {
        Lab.requireShadow("nla");
        Report r = x224(Lab.SHADOW_PORT, Protocols.SSL);
        assertThat(r.verdict().status()).isEqualTo(Status.FAILED);
        assertThat(r.verdict().stage()).isEqualTo(Stage.X224);
        assertThat(r.verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");
        assertThat(r.verdict().summary()).startsWith("NLA required");
        List<io.rdpprobe.probe.model.EnumerationSection.Row> rows = new ArrayList<>();
        for (Enumeration.Request req : Enumeration.REQUESTS) {
            rows.add(Enumeration.row(req, x224(Lab.SHADOW_PORT, req.protocols())));
        }
        assertThat(new Enumeration(rows).nlaRequired()).isEqualTo("yes");
    }

    @Test
    void closedPortIsRefused() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Report r = runner.probe(new Target("127.0.0.1", port), ProbeSettings.defaults().withTimeout(3000));
        assertThat(r.verdict().stage()).isEqualTo(Stage.TCP);
        assertThat(r.verdict().cause()).isEqualTo("CONNECTION_REFUSED");
    }

    @Test
    void portThatAcceptsAndNeverAnswersIsNoResponseWithinTheDeadline() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket c = s.accept(); InputStream in = c.getInputStream()) {
                    while (in.read() >= 0) {
                        // swallow the CR, answer nothing
                    }
                } catch (Exception ignored) {
                    // closed at the end of the test
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            long t0 = System.nanoTime();
            Report r = runner.probe(new Target("127.0.0.1", s.getLocalPort()), ProbeSettings.defaults().withTimeout(2000));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.verdict().stage()).isEqualTo(Stage.X224);
            assertThat(r.verdict().cause()).isEqualTo("NO_RESPONSE");
            assertThat(ms).isBetween(1900L, 4000L);
        }
    }

    /** Prints what the suite saw, for the CI log. */
    @Test
    void printsTheMeasuredTables() {
        Map<String, List<String>> seen = new LinkedHashMap<>();
        if (!Lab.XRDP_MODE.isEmpty()) seen.put("xrdp " + Lab.XRDP_MODE, table(Lab.XRDP_PORT));
        if (!Lab.SHADOW_MODE.isEmpty()) seen.put("shadow " + Lab.SHADOW_MODE, table(Lab.SHADOW_PORT));
        seen.forEach((k, v) -> System.out.println("[interop] " + k + " none,0,1,2,3,8,11 -> " + v));
        assertThat(seen.values()).allSatisfy(v -> assertThat(v).hasSize(7));
    }
}
