package io.rdpprobe.probe.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Drives the sans-IO connector with bytes and a fake clock: no sockets. */
class ProbeConnectorTest {
    private static final long T0 = 1_000_000_000L;

    private static ProbeConnector connected(Integer protocols) {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withProtocols(protocols).withTimeout(5000));
        c.dnsResolved("h", List.of("127.0.0.1"), true, 0);
        c.tcpConnected("127.0.0.1:1", "127.0.0.1:3389", 1);
        return c;
    }

    private static StageResult x224(ProbeConnector c) {
        return c.results().stream().filter(r -> r.stage() == Stage.X224).findFirst().orElseThrow();
    }

    private static Action feed(ProbeConnector c, String hex, boolean byteByByte) {
        byte[] b = Wire.unhex(hex);
        ByteBuf acc = Unpooled.buffer();
        Action a = Action.WAIT;
        if (byteByByte) {
            for (int i = 0; i < b.length; i++) {
                acc.writeByte(b[i]);
                a = c.onData(acc, T0 + 3_000_000L, Unpooled.buffer());
                if (i < b.length - 1 && a == Action.DONE) {
                    return a;
                }
            }
        } else {
            acc.writeBytes(b);
            a = c.onData(acc, T0 + 3_000_000L, Unpooled.buffer());
        }
        return a;
    }

    @Test
    void sendsTheRequestedConnectionRequest() {
        ProbeConnector c = connected(ProbeSettings.DEFAULT_PROTOCOLS);
        ByteBuf out = Unpooled.buffer();
        assertThat(c.onConnected(T0, out)).isEqualTo(Action.WAIT);
        assertThat(ByteBufUtil.hexDump(out)).isEqualTo("030000130ee00000000000010008000b000000");
        assertThat(c.deadlineNanos()).isEqualTo(T0 + 5_000_000_000L);
        assertThat(c.stage()).isEqualTo(Stage.X224);
    }

    @Test
    void selectedSslIsOkWholeOrByteByByte() {
        for (boolean split : new boolean[] {false, true}) {
            ProbeConnector c = connected(ProbeSettings.DEFAULT_PROTOCOLS);
            c.onConnected(T0, Unpooled.buffer());
            assertThat(feed(c, "030000130ed000001234000201080001000000", split)).isEqualTo(Action.START_TLS);
            assertThat(c.stage()).isEqualTo(Stage.TLS);
            StageResult r = x224(c);
            assertThat(r.status()).isEqualTo(Status.OK);
            assertThat(r.evidence()).containsEntry("selected", "SSL").containsEntry("requested", "SSL|HYBRID|HYBRID_EX");
            assertThat(r.elapsedMs()).isEqualTo(3);
            assertThat(r.evidence().get("serverFlags")).isEqualTo(List.of("EXTENDED_CLIENT_DATA_SUPPORTED"));
        }
    }

    @Test
    void stopAfterX224EndsTheProbe() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults().withStopAfter(Stage.X224));
        c.onConnected(T0, Unpooled.buffer());
        assertThat(feed(c, "030000130ed000001234000201080001000000", false)).isEqualTo(Action.DONE);
        assertThat(c.report("t").stages()).extracting(StageResult::stage).containsExactly(Stage.X224);
    }

    @Test
    void xrdpRdpModeIgnoringAnSslRequestIsReported() {
        ProbeConnector c = connected(Protocols.SSL);
        c.onConnected(T0, Unpooled.buffer());
        feed(c, "030000130ed000001234000201080000000000", false);
        StageResult r = x224(c);
        assertThat(r.status()).isEqualTo(Status.WARNING);
        assertThat(r.cause()).isEqualTo(Causes.PROTOCOL_NOT_REQUESTED);
        assertThat(r.summary()).contains("selected RDP").contains("ignores the client's request");
    }

    @Test
    void hybridRequiredIsExplainedAsNlaRequired() {
        ProbeConnector c = connected(Protocols.SSL);
        c.onConnected(T0, Unpooled.buffer());
        feed(c, "030000130ed000000000000300080005000000", true);
        Report rep = c.report("t");
        assertThat(rep.verdict().status()).isEqualTo(Status.FAILED);
        assertThat(rep.verdict().cause()).isEqualTo("HYBRID_REQUIRED_BY_SERVER");
        assertThat(rep.verdict().summary()).startsWith("NLA required");
        assertThat(rep.verdict().clientError().code()).isEqualTo(0xB09);
        assertThat(rep.exitCode()).isEqualTo(Stage.X224.exitCode());
    }

    @Test
    void bareConfirmToANegotiationRequestIsAWarning() {
        ProbeConnector c = connected(3);
        c.onConnected(T0, Unpooled.buffer());
        feed(c, "0300000b06d00000123400", false);
        assertThat(x224(c).cause()).isEqualTo(Causes.NEGOTIATION_IGNORED);
        ProbeConnector legacy = connected(null);
        legacy.onConnected(T0, Unpooled.buffer());
        feed(legacy, "0300000b06d00000123400", false);
        assertThat(x224(legacy).status()).isEqualTo(Status.OK);
    }

    @Test
    void silenceTruncationAndHostileLengthGetTheirVerdicts() {
        ProbeConnector silent = connected(3);
        silent.onConnected(T0, Unpooled.buffer());
        silent.onDeadline(Unpooled.EMPTY_BUFFER, silent.deadlineNanos());
        assertThat(x224(silent).cause()).isEqualTo(Causes.NO_RESPONSE);
        assertThat(x224(silent).elapsedMs()).isEqualTo(5000);

        ProbeConnector partial = connected(3);
        partial.onConnected(T0, Unpooled.buffer());
        ByteBuf acc = Unpooled.wrappedBuffer(Wire.unhex("030000130ed000"));
        assertThat(partial.onData(acc, T0, Unpooled.buffer())).isEqualTo(Action.WAIT);
        partial.onDeadline(acc, partial.deadlineNanos());
        assertThat(x224(partial).cause()).isEqualTo(Causes.TRUNCATED_RESPONSE);
        assertThat(x224(partial).evidence()).containsEntry("announcedLength", 19).containsEntry("bytesReceived", 7);

        ProbeConnector hostile = connected(3);
        hostile.onConnected(T0, Unpooled.buffer());
        assertThat(feed(hostile, "0300ffff0ed000", false)).isEqualTo(Action.DONE);
        assertThat(x224(hostile).cause()).isEqualTo(Causes.MALFORMED_RESPONSE);
        assertThat(x224(hostile).evidence()).containsEntry("announcedLength", 65535);
    }

    @Test
    void garbageAndClosesAreDiagnosed() {
        ProbeConnector ssh = connected(3);
        ssh.onConnected(T0, Unpooled.buffer());
        feed(ssh, ByteBufUtil.hexDump("SSH-2.0-OpenSSH_9.2\r\n".getBytes()), false);
        assertThat(x224(ssh).cause()).isEqualTo(Causes.NOT_RDP);
        assertThat(x224(ssh).evidence()).containsEntry("looksLike", "an SSH server");

        ProbeConnector closed = connected(3);
        closed.onConnected(T0, Unpooled.buffer());
        closed.onClosed(false, Unpooled.EMPTY_BUFFER, T0 + 1_000_000);
        assertThat(x224(closed).cause()).isEqualTo(Causes.CONNECTION_CLOSED);
        ProbeConnector reset = connected(3);
        reset.onConnected(T0, Unpooled.buffer());
        reset.onClosed(true, Unpooled.EMPTY_BUFFER, T0 + 1_000_000);
        assertThat(x224(reset).cause()).isEqualTo(Causes.CONNECTION_RESET);
        assertThat(reset.report("t").verdict().clientError().code()).isEqualTo(0x904);
    }

    @Test
    void malformedX224NamesTheField() {
        ProbeConnector c = connected(3);
        c.onConnected(T0, Unpooled.buffer());
        feed(c, "0300000b40d00000123400", false);
        StageResult r = x224(c);
        assertThat(r.cause()).isEqualTo(Causes.MALFORMED_RESPONSE);
        assertThat(r.evidence()).containsEntry("layer", "X224").containsEntry("field", "LI").containsEntry("offset", 4);
    }

    @Test
    void tcpFailurePadsLaterStagesAsNotReached() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults());
        c.dnsResolved("h", List.of("127.0.0.1"), true, 0);
        c.tcpFailed(TcpFailure.REFUSED, "127.0.0.1:1", "Connection refused", 2);
        Report r = c.report("h:1");
        assertThat(r.stages()).extracting(StageResult::stage).containsExactly(Stage.DNS, Stage.TCP, Stage.X224, Stage.TLS, Stage.CREDSSP,
                Stage.MCS, Stage.LICENSING, Stage.ACTIVATION);
        assertThat(r.stages().get(2).status()).isEqualTo(Status.NOT_REACHED);
        ProbeConnector rdpOnly = new ProbeConnector(ProbeSettings.defaults().withProtocols(Protocols.RDP));
        rdpOnly.tcpFailed(TcpFailure.TIMEOUT, "h:1", "timed out", 10);
        assertThat(rdpOnly.report("h:1").stages()).extracting(StageResult::stage).containsExactly(Stage.TCP, Stage.X224,
                Stage.MCS, Stage.SECURITY_EXCHANGE, Stage.LICENSING, Stage.ACTIVATION);
        assertThat(r.verdict().cause()).isEqualTo("CONNECTION_REFUSED");
        assertThat(r.exitCode()).isEqualTo(11);
    }

    @Test
    void oneTransitionFeedsTheTranscriptAndTheFrameHintFollowsTheState() {
        ProbeConnector c = connected(ProbeSettings.DEFAULT_PROTOCOLS);
        Transcript t = new Transcript(T0);
        c.transcript(t);
        assertThat(c.nextFrameHint()).isSameAs(FrameHint.NONE);
        c.onConnected(T0, Unpooled.buffer());
        assertThat(c.nextFrameHint().maxLength()).isEqualTo(ProbeSettings.DEFAULT_MAX_X224_FRAME);
        feed(c, "030000130ed000001234000201080001000000", false);
        // TLS runs in the driver: the connector frames nothing meanwhile
        assertThat(c.nextFrameHint()).isSameAs(FrameHint.NONE);
        assertThat(t.entries()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::text).containsExactly("TCP --> X224", "X224 --> TLS");
        assertThat(t.entries()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::tMs).containsExactly(0L, 3L);
    }

    @Test
    void thePlanFollowsWhatTheStateKnows() {
        ProbeConnector c = connected(ProbeSettings.DEFAULT_PROTOCOLS);
        c.onConnected(T0, Unpooled.buffer());
        // before the CC: TLS and CREDSSP are likely, and with SSL offered too the session may run
        assertThat(c.plannedStages()).containsExactly(Stage.DNS, Stage.TCP, Stage.X224, Stage.TLS, Stage.CREDSSP,
                Stage.MCS, Stage.LICENSING, Stage.ACTIVATION);
        feed(c, "030000130ed000001234000201080001000000", false); // SSL selected: no CREDSSP, the session runs
        assertThat(c.plannedStages()).containsExactly(Stage.DNS, Stage.TCP, Stage.X224, Stage.TLS, Stage.MCS,
                Stage.LICENSING, Stage.ACTIVATION);
        c.onClosed(false, Unpooled.EMPTY_BUFFER, T0 + 5_000_000L);
        assertThat(c.isDone()).isTrue();
        // the plan is frozen at the failure
        assertThat(c.report("t").stages()).extracting(StageResult::stage).containsExactly(Stage.DNS, Stage.TCP, Stage.X224,
                Stage.TLS, Stage.MCS, Stage.LICENSING, Stage.ACTIVATION);
        assertThat(c.selectedProtocol()).isEqualTo(Protocols.SSL);
        assertThat(c.connectionConfirm()).isNotNull();
    }

    @Test
    void gatewayStagesArePlannedAndAFailedOneEndsTheProbe() {
        ProbeConnector c = new ProbeConnector(ProbeSettings.defaults());
        c.viaGateway("target.example");
        c.dnsResolved("gw.example", List.of("127.0.0.1"), false, 0);
        c.tcpConnected("127.0.0.1:1", "127.0.0.1:443", 1);
        assertThat(c.isViaGateway()).isTrue();
        c.externalStage(StageResult.ok(Stage.GATEWAY_TLS, 5, java.util.Map.of(), "ok"));
        c.externalStage(StageResult.failed(Stage.GATEWAY_HTTP, 2, java.util.Map.of(), Causes.CONNECTION_CLOSED, "closed"));
        assertThat(c.isDone()).isTrue();
        assertThat(c.stage()).isEqualTo(Stage.GATEWAY_HTTP);
        assertThat(c.onConnected(T0, Unpooled.buffer())).isEqualTo(Action.DONE);
        assertThat(c.report("t").stages()).extracting(StageResult::stage).containsSubsequence(Stage.GATEWAY_TLS,
                Stage.GATEWAY_HTTP, Stage.GATEWAY_TUNNEL, Stage.GATEWAY_CHANNEL, Stage.X224, Stage.TLS);
        assertThat(new ProbeConnector(ProbeSettings.defaults()).tlsServerName()).isNull();
    }

    @Test
    void aTsRequestTrickledOneByteEvery500MsIsNotCalledSilence() throws Exception {
        ProbeConnector c = connected(Protocols.HYBRID);
        c.onConnected(T0, Unpooled.buffer());
        assertThat(feed(c, "030000130ed000001234000201080002000000", false)).isEqualTo(Action.START_TLS);
        byte[] cert = io.rdpprobe.demo.DemoCertificate.demo().certificate().getEncoded();
        io.rdpprobe.probe.tls.TlsOutcome tls = new io.rdpprobe.probe.tls.TlsOutcome(true, List.of("1.2"), null, "1.2", 0xc02f,
                List.of(cert), null, null, null, 1200, false, false, false, false, null, null, 4,
                io.rdpprobe.probe.model.Arrivals.NONE, false, 0, null);
        long t1 = T0 + 10_000_000L;
        ByteBuf negotiate = Unpooled.buffer();
        assertThat(c.onTlsOutcome(tls, t1, java.time.Instant.now(), negotiate)).isEqualTo(Action.WAIT);
        assertThat(c.stage()).isEqualTo(Stage.CREDSSP);
        assertThat(negotiate.isReadable()).isTrue();
        // the start of a 264-byte TSRequest (30 82 0104 ...), one byte every 500 ms
        byte[] part = Wire.unhex("30820104a003020106a181fc");
        ByteBuf acc = Unpooled.buffer();
        for (int i = 0; i < part.length && t1 + i * 500_000_000L < c.deadlineNanos(); i++) {
            acc.writeByte(part[i]);
            assertThat(c.onData(acc, t1 + i * 500_000_000L, Unpooled.buffer())).isEqualTo(Action.WAIT);
        }
        c.onDeadline(acc, c.deadlineNanos());
        StageResult r = c.results().get(c.results().size() - 1);
        assertThat(r.stage()).isEqualTo(Stage.CREDSSP);
        assertThat(r.cause()).isEqualTo(Causes.TRUNCATED_RESPONSE);
        assertThat(r.summary()).isEqualTo("received 10 byte(s); 10 byte(s) arrived in 10 read(s) over 4500 ms, the last at "
                + "4500 ms: the message was still incomplete at the deadline (5000 ms)");
    }
}
