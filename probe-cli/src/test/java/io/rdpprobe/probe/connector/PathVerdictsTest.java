package io.rdpprobe.probe.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.RttSeries;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TcpInfoSample;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The path warnings from recorded TCP_INFO readings and RTT series, through the sans-IO connector: no sockets. The
 * readings are the ones the epoll transport returned in this project's network-namespace runs (NetnsPathTest), the
 * jitter series are recorded values (this kernel has no netem to produce jitter for real).
 */
class PathVerdictsTest {
    private static final long T0 = 1_000_000_000L;

    /** 127.0.0.1 right after connect (epoll, loopback). */
    static final TcpInfoSample LOOPBACK = new TcpInfoSample(30, 20, 0, 0, 0, 65535, 32741, 536, 65483);
    /** A veth with MTU 1300: the kernel's MSS follows the path MTU. */
    static final TcpInfoSample MTU_1300 = new TcpInfoSample(80, 40, 0, 0, 0, 1300, 1248, 536, 1260);
    /** Every 4th client segment dropped by nftables (numgen inc mod 4 0 drop): the SYN was retransmitted, and more. */
    static final TcpInfoSample LOSSY = new TcpInfoSample(1_450, 900, 0, 3, 0, 1500, 1448, 1448, 1460);

    /** MTU 1500 everywhere, but the server's segments above 1000 bytes are dropped: only small ones ever arrived. */
    static final TcpInfoSample BLACK_HOLE = new TcpInfoSample(450, 200, 0, 0, 0, 1500, 1448, 536, 1460);

    private static ProbeConnector connected(TcpInfoSample info) {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withTimeout(5000));
        c.dnsResolved("h", List.of("10.216.0.2"), true, 0);
        c.tcpConnected("10.216.0.1:40000", "10.216.0.2:3389", 1, "epoll", info);
        return c;
    }

    private static StageResult stage(Report r, Stage s) {
        return r.stages().stream().filter(x -> x.stage() == s).findFirst().orElseThrow();
    }

    @Test
    void aCleanPathLeavesTheTcpStageOkWithTheKernelsFigures() {
        ProbeConnector c = connected(LOOPBACK);
        c.finishPath();
        StageResult tcp = stage(c.report("h"), Stage.TCP);
        assertThat(tcp.status()).isEqualTo(Status.OK);
        assertThat(tcp.evidence()).containsEntry("transport", "epoll");
        @SuppressWarnings("unchecked")
        Map<String, Object> info = (Map<String, Object>) tcp.evidence().get("tcpInfo");
        assertThat(info).containsEntry("srttMs", 0.03).containsEntry("pmtu", 65535L).containsEntry("sndMss", 32741L)
                .containsEntry("advMss", 65483L).containsEntry("totalRetrans", 0L);
        assertThat(tcp.evidence()).doesNotContainKey("pathFindings");
    }

    @Test
    void withoutTcpInfoTheTransportIsNamedAndNothingIsJudged() {
        ProbeConnector c = connected(null);
        c.finishPath();
        StageResult tcp = stage(c.report("h"), Stage.TCP);
        assertThat(tcp.status()).isEqualTo(Status.OK);
        assertThat(tcp.evidence().get("tcpInfo").toString()).startsWith("not available (epoll transport");
    }

    @Test
    void retransmissionsDuringTheHandshakeArePathLoss() {
        ProbeConnector c = connected(LOOPBACK);
        c.onConnected(T0, Unpooled.buffer());
        c.onData(Unpooled.wrappedBuffer(io.rdpprobe.protocol.codec.Wire.unhex("030000130ed000001234000201080001000000")),
                T0 + 1_000_000L, Unpooled.buffer());
        // the X224 stage ended with the lossy reading: the change lands in X224's evidence
        c.pathSample(Stage.X224, LOSSY);
        c.finishPath();
        Report r = c.report("h");
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.status()).isEqualTo(Status.WARNING);
        assertThat(tcp.cause().code()).isEqualTo("PATH_LOSS");
        assertThat(tcp.summary()).startsWith("connected to 10.216.0.2:3389; the kernel retransmitted 3 segment(s)");
        assertThat(tcp.inferred()).isFalse();
        assertThat(tcp.cause().clientError().display()).isEqualTo("0x904");
        assertThat(tcp.evidence()).containsKey("tcpInfoAtEnd");
        assertThat(r.stages().stream().filter(s -> s.stage() == Stage.X224).findFirst().orElseThrow().evidence().get("path"))
                .isEqualTo(Map.of("srttMs", "0.03 -> 1.45", "totalRetrans", "0 -> 3", "pmtu", "65535 -> 1500",
                        "sndMss", "32741 -> 1448", "rcvMss", "536 -> 1448"));
        assertThat(r.verdict().cause()).isEqualTo("PATH_LOSS");
        assertThat(r.verdict().findingStage()).isEqualTo(Stage.TCP);
    }

    @Test
    void retransmissionsToALoopbackPeerAreHostLoadNotPathLoss() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withTimeout(5000));
        c.dnsResolved("localhost", List.of("127.0.0.1"), true, 0);
        c.tcpConnected("127.0.0.1:40000", "127.0.0.1:3389", 1, "epoll", LOOPBACK);
        c.pathSample(Stage.X224, LOSSY);
        c.finishPath();
        StageResult tcp = stage(c.report("localhost"), Stage.TCP);
        assertThat(tcp.status()).isEqualTo(Status.OK);
        assertThat(tcp.cause()).isNull();
        assertThat(tcp.evidence().get("pathNote").toString()).startsWith("loopback peer: its 3 retransmission(s)");
        assertThat(PathVerdicts.isLoopbackEndpoint("[::1]:3389")).isTrue();
        assertThat(PathVerdicts.isLoopbackEndpoint("10.216.0.2:3389")).isFalse();
    }

    @Test
    void anMssOrPmtuBelow1400IsPathMtu() {
        ProbeConnector c = connected(MTU_1300);
        c.finishPath();
        StageResult tcp = stage(c.report("h"), Stage.TCP);
        assertThat(tcp.cause().code()).isEqualTo("PATH_MTU");
        assertThat(tcp.summary()).contains("MSS 1248 / path MTU 1300 byte(s), below 1400");
        // 1400 itself passes; 1399 does not
        assertThat(PathVerdicts.judge(new TcpInfoSample(1, 1, 0, 0, 0, 1440, 1400, 536, 1400), List.of())).isEmpty();
        assertThat(PathVerdicts.judge(new TcpInfoSample(1, 1, 0, 0, 0, 1440, 1399, 536, 1400), List.of()))
                .extracting(f -> f.cause().code()).containsExactly("PATH_MTU");
    }

    @Test
    void lossAndMtuTogetherNameLossFirstAndListBoth() {
        ProbeConnector c = connected(new TcpInfoSample(900, 400, 1, 2, 1, 1300, 1248, 536, 1260));
        c.finishPath();
        StageResult tcp = stage(c.report("h"), Stage.TCP);
        assertThat(tcp.cause().code()).isEqualTo("PATH_LOSS");
        assertThat(tcp.summary()).endsWith("(+1 more path finding(s))");
        assertThat((List<?>) tcp.evidence().get("pathFindings")).hasSize(2);
        assertThat(tcp.evidence().get("pathFindings").toString()).contains("1 counted lost").contains("PATH_MTU: MSS 1248");
    }

    @Test
    void aStalledTlsFlightIsJoinedAsAnInferredPathMtu() {
        ProbeConnector c = connected(BLACK_HOLE);
        StageResult stalled = StageResult.failed(Stage.TLS, 5000, Map.of("bytesReceived", 0),
                io.rdpprobe.probe.model.TlsCauses.TLS_HANDSHAKE_STALLED,
                "no bytes arrived after the ClientHello within 5000 ms; path-MTU black holes and middleboxes cause this");
        List<PathVerdicts.Finding> f = PathVerdicts.judge(BLACK_HOLE, List.of(stalled));
        assertThat(f).hasSize(1);
        assertThat(f.get(0).cause().code()).isEqualTo("PATH_MTU");
        assertThat(f.get(0).inferred()).isTrue();
        assertThat(f.get(0).summary()).contains("stalled at TLS (TLS_HANDSHAKE_STALLED: no bytes arrived")
                .contains("the largest segment received was 536 bytes");
        StageResult tcp = PathVerdicts.withFindings(stage(c.report("h"), Stage.TCP), f);
        assertThat(tcp.inferred()).isTrue();
        assertThat(tcp.evidence().get("pathFindings").toString()).endsWith("[inferred]]");
    }

    @Test
    void rttSeriesStatisticsAndJitter() {
        // recorded: a steady LAN path, then a path whose RTT swings by 20-40 ms between handshakes
        RttSeries steady = new RttSeries(List.of(410L, 395L, 430L, 402L, 415L), 0, "TCP_INFO");
        assertThat(steady.min()).isEqualTo(395);
        assertThat(steady.median()).isEqualTo(410);
        assertThat(steady.max()).isEqualTo(430);
        assertThat(steady.jitter()).isEqualTo((15 + 35 + 28 + 13) / 4);
        assertThat(PathVerdicts.judge(steady)).isNull();
        RttSeries swinging = new RttSeries(List.of(20_000L, 45_000L, 18_000L, 52_000L, 21_000L, 60_000L), 1, "TCP_INFO");
        assertThat(swinging.median()).isEqualTo((21_000 + 45_000) / 2);
        PathVerdicts.Finding j = PathVerdicts.judge(swinging);
        assertThat(j.cause().code()).isEqualTo("PATH_JITTER");
        assertThat(j.summary()).startsWith("jitter 31.2 ms over 6 TCP handshakes (RTT min 18.0 / median 33.0 / max 60.0 ms)");
        // exactly 15 ms is not above the limit
        assertThat(PathVerdicts.judge(new RttSeries(List.of(10_000L, 25_000L), 0, "TCP_INFO"))).isNull();
        assertThat(PathVerdicts.judge(new RttSeries(List.of(10_000L, 25_010L), 0, "TCP_INFO"))).isNotNull();
        assertThat(swinging.toEvidence()).containsEntry("handshakes", 7).containsEntry("completed", 6)
                .containsEntry("jitterMs", 31.2);
    }

    @Test
    void theRttSeriesGoesIntoTheTcpStageAndJitterIsAWarning() {
        ProbeConnector c = connected(LOOPBACK);
        c.finishPath();
        Report r = PathVerdicts.withRtt(c.report("h"),
                new RttSeries(List.of(20_000L, 45_000L, 18_000L, 52_000L), 0, "TCP_INFO"));
        StageResult tcp = stage(r, Stage.TCP);
        assertThat(tcp.status()).isEqualTo(Status.WARNING);
        assertThat(tcp.cause().code()).isEqualTo("PATH_JITTER");
        assertThat(tcp.evidence()).containsKey("rtt");
        assertThat(r.verdict().cause()).isEqualTo("PATH_JITTER");
        Report calm = PathVerdicts.withRtt(c.report("h"), new RttSeries(List.of(300L, 320L), 0, "TCP_INFO"));
        assertThat(stage(calm, Stage.TCP).status()).isEqualTo(Status.OK);
    }

    @Test
    void aFailedTcpStageGetsNoPathWarningButSaysWhatTheSocketErrorMeans() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withTimeout(5000));
        c.dnsResolved("h", List.of("10.216.0.2"), true, 0);
        c.tcpFailed(TcpFailure.HOST_UNREACHABLE, "10.216.0.2:3390", "No route to host", 1);
        c.finishPath();
        StageResult tcp = stage(c.report("h"), Stage.TCP);
        assertThat(tcp.cause().code()).isEqualTo("HOST_UNREACHABLE");
        assertThat(tcp.evidence()).containsEntry("reachability", "ICMP_UNREACHABLE");
        assertThat(tcp.summary()).endsWith("; rejected on the path");
    }

    @Test
    void socketErrorsAndTheirTimingTellClosedRejectedDownAndFilteredApart() {
        record Case(TcpFailure kind, long ms, String reachability, String cause) {}
        for (Case k : List.of(new Case(TcpFailure.REFUSED, 0, "CLOSED", "CONNECTION_REFUSED"),
                new Case(TcpFailure.HOST_UNREACHABLE, 1, "ICMP_UNREACHABLE", "HOST_UNREACHABLE"),
                new Case(TcpFailure.HOST_UNREACHABLE, 3051, "NO_NEIGHBOUR", "HOST_UNREACHABLE"),
                new Case(TcpFailure.NET_UNREACHABLE, 0, "NO_ROUTE", "HOST_UNREACHABLE"),
                new Case(TcpFailure.TIMEOUT, 5000, "SILENCE", "CONNECT_TIMEOUT"))) {
            ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withTimeout(5000));
            c.tcpFailed(k.kind(), "10.216.0.2:3389", "x", k.ms());
            StageResult tcp = stage(c.report("h"), Stage.TCP);
            assertThat(tcp.evidence()).as(k.toString()).containsEntry("reachability", k.reachability());
            assertThat(tcp.cause().code()).as(k.toString()).isEqualTo(k.cause());
        }
    }

    @Test
    void throughAGatewayAFailedTcpSaysTheGatewaysPortIsWhatIsBlocked() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withTimeout(5000));
        c.viaGateway("target.example");
        c.tcpFailed(TcpFailure.TIMEOUT, "10.216.0.2:443", "timed out", 5000);
        StageResult tcp = stage(c.report("target.example"), Stage.TCP);
        assertThat(tcp.summary()).contains("the RD Gateway 10.216.0.2:443").contains("the RD Gateway's port is what is blocked");
        assertThat(tcp.evidence()).containsEntry("role", "RD Gateway").containsKey("blocked");
    }
}
