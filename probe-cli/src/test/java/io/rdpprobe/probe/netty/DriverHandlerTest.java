package io.rdpprobe.probe.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.Ticker;
import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TlsCauses;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Netty driver over an {@link EmbeddedChannel}, as Netty's own codec tests do it: no socket, the
 * event loop's time moved by a {@link MockTicker}, a real BouncyCastle client for the TLS stage, and
 * every buffer the driver allocates accounted for.
 */
class DriverHandlerTest {
    private static final long TIMEOUT_MS = 5000;
    /** The CR the default request sends: RDP_NEG_REQ for SSL|HYBRID|HYBRID_EX (0x0b). */
    private static final String CR = "030000130ee00000000000010008000b000000";
    /** xrdp 0.9's Connection Confirm selecting SSL, flags EXTENDED_CLIENT_DATA_SUPPORTED. */
    private static final String CC_SSL = "030000130ed000001234000201080001000000";
    /** A bare Connection Confirm (no RDP_NEG_RSP): Standard RDP Security. */
    private static final String CC_BARE = "0300000b06d00000123400";

    private final MockTicker ticker = Ticker.newMockTicker();
    private final TrackingAllocator alloc = new TrackingAllocator();
    private final Promise<Void> finished = ImmediateEventExecutor.INSTANCE.newPromise();
    private EmbeddedChannel ch;
    private ProbeConnector connector;

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    private void open(ProbeSettings settings) {
        connector = new ProbeConnector(settings.withTimeout(TIMEOUT_MS));
        connector.dnsResolved("127.0.0.1", List.of("127.0.0.1"), true, 0);
        connector.tcpConnected("127.0.0.1:50000", "127.0.0.1:3389", 1);
        ch = EmbeddedChannel.builder().ticker(ticker).build();
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast("driver", new DriverHandler(connector, finished,
                c -> new BcTlsHandler(TlsLayer.RDP, List.of("1.2"), c.tlsServerName(), null)));
        ch.pipeline().fireChannelActive();
    }

    @AfterEach
    void close() {
        if (ch != null) {
            ch.finishAndReleaseAll();
            // the cumulation and every output buffer the driver allocated are released
            assertThat(alloc.allocated()).isPositive();
            assertThat(alloc.unreleased()).isZero();
        }
    }

    private String readOutboundHex() {
        ByteBuf b = ch.readOutbound();
        assertThat(b).as("an outbound buffer").isNotNull();
        try {
            return ByteBufUtil.hexDump(b);
        } finally {
            b.release();
        }
    }

    private void feed(String hex, boolean byteByByte) {
        byte[] bytes = Wire.unhex(hex);
        if (byteByByte) {
            for (byte b : bytes) {
                ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {b}));
            }
        } else {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes));
        }
    }

    private StageResult last() {
        List<StageResult> r = connector.results();
        return r.get(r.size() - 1);
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @ValueSource(booleans = {false, true})
    void sslConfirmInsertsRdpTlsBelowTheDriverAndAStallGetsTheTlsDeadlineVerdict(boolean byteByByte) {
        open(ProbeSettings.defaults());
        assertThat(readOutboundHex()).isEqualTo(CR);
        assertThat(connector.stage()).isEqualTo(Stage.X224);

        ticker.advance(3, TimeUnit.MILLISECONDS);
        feed(CC_SSL, byteByByte);
        assertThat(ch.pipeline().names()).containsSubsequence(TlsLayer.RDP.handlerName(), "driver");
        assertThat(connector.stage()).isEqualTo(Stage.TLS);
        StageResult x224 = last();
        assertThat(x224.stage()).isEqualTo(Stage.X224);
        assertThat(x224.status()).isEqualTo(Status.OK);
        assertThat(x224.elapsedMs()).isEqualTo(3);

        ByteBuf hello = ch.readOutbound();
        try {
            assertThat((int) hello.getUnsignedByte(0)).as("TLS handshake record").isEqualTo(0x16);
            assertThat((int) hello.getUnsignedByte(5)).as("ClientHello").isEqualTo(0x01);
        } finally {
            hello.release();
        }

        // the server never answers the ClientHello: the TLS stage's deadline, in the event loop's time
        ticker.advance(TIMEOUT_MS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(connector.isDone()).isFalse();
        ticker.advance(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(connector.isDone()).isTrue();
        StageResult tls = last();
        assertThat(tls.stage()).isEqualTo(Stage.TLS);
        assertThat(tls.cause()).isEqualTo(TlsCauses.TLS_HANDSHAKE_STALLED);
        assertThat(tls.elapsedMs()).isEqualTo(TIMEOUT_MS);
        assertThat(tls.summary()).startsWith("no bytes arrived after the ClientHello within " + TIMEOUT_MS + " ms");
        assertThat(ch.isOpen()).isFalse();
        assertThat(finished.isDone()).isTrue();
    }

    @Test
    void silenceAfterTheConnectionRequestIsNoResponseAtTheX224Deadline() {
        open(ProbeSettings.defaults());
        readOutboundHex();
        ticker.advance(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.X224);
        assertThat(r.cause()).isEqualTo(Causes.NO_RESPONSE);
        assertThat(r.elapsedMs()).isEqualTo(TIMEOUT_MS);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void partialConfirmIsTruncatedAtTheDeadline() {
        open(ProbeSettings.defaults());
        readOutboundHex();
        feed(CC_SSL.substring(0, 14), true);
        ticker.advance(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(last().cause()).isEqualTo(Causes.TRUNCATED_RESPONSE);
        assertThat(last().evidence()).containsEntry("bytesReceived", 7).containsEntry("announcedLength", 19);
    }

    @ParameterizedTest(name = "byte by byte: {0}")
    @ValueSource(booleans = {false, true})
    void bareConfirmStartsMcsWithoutTls(boolean byteByByte) {
        open(ProbeSettings.defaults());
        readOutboundHex();
        feed(CC_BARE, byteByByte);
        assertThat(last().cause()).isEqualTo(Causes.NEGOTIATION_IGNORED);
        assertThat(connector.stage()).isEqualTo(Stage.MCS);
        assertThat(ch.pipeline().names()).doesNotContain(TlsLayer.RDP.handlerName());
        String connectInitial = readOutboundHex();
        assertThat(connectInitial).startsWith("0300").contains("7f65"); // TPKT, X.224 DT, MCS Connect-Initial
    }

    @Test
    void aGatewayTlsEventIsNeverTakenForTheRdpOne() {
        open(ProbeSettings.defaults());
        List<Object> passedOn = new ArrayList<>();
        ch.pipeline().addLast("tail", new ChannelInboundHandlerAdapter() {
            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                passedOn.add(evt);
            }
        });
        readOutboundHex();
        feed(CC_SSL, false);
        ByteBuf hello = ch.readOutbound();
        hello.release();
        // a gateway TLS handler below fails its handshake: that is GATEWAY_TLS's business, not the TLS stage's
        TlsOutcome gatewayFailure = new TlsOutcome(false, List.of("1.2"), "gw", null, -1, List.of(), null, null, null,
                5, false, false, false, true, "485454502f", null, 1, io.rdpprobe.probe.model.Arrivals.NONE, false, 0, null);
        BcTlsHandler.Done gw = new BcTlsHandler.Done(TlsLayer.GATEWAY, gatewayFailure);
        ch.pipeline().fireUserEventTriggered(gw);
        assertThat(passedOn).containsExactly(gw);
        assertThat(connector.stage()).isEqualTo(Stage.TLS);
        assertThat(connector.isDone()).isFalse();
        assertThat(connector.results()).extracting(StageResult::stage).doesNotContain(Stage.TLS);
        assertThat(TlsLayer.GATEWAY.handlerName()).isEqualTo("gw-tls");
    }

    @Test
    void serverCloseDuringTheTlsHandshakeIsTheTlsStagesVerdict() {
        open(ProbeSettings.defaults());
        readOutboundHex();
        feed(CC_SSL, false);
        ByteBuf hello = ch.readOutbound();
        hello.release();
        ticker.advance(40, TimeUnit.MILLISECONDS);
        ch.pipeline().fireChannelInactive();
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.TLS);
        assertThat(r.cause()).isEqualTo(Causes.CONNECTION_CLOSED);
        assertThat(r.elapsedMs()).isEqualTo(40);
        assertThat(r.summary()).contains("right after the ClientHello");
    }

    // ---- hostile servers (issue 18): what the driver saw is what the verdict says -----------------------

    /** Feeds {@code hex} one byte every {@code gapMs} until the probe ends or the bytes run out. */
    private void trickle(String hex, long gapMs) {
        byte[] bytes = Wire.unhex(hex);
        for (int i = 0; i < bytes.length && !connector.isDone(); i++) {
            if (i > 0) {
                ticker.advance(gapMs, TimeUnit.MILLISECONDS);
                ch.runScheduledPendingTasks();
                if (connector.isDone()) {
                    return;
                }
            }
            ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {bytes[i]}));
        }
    }

    private void untilTheDeadline() {
        ticker.advance(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(connector.isDone()).isTrue();
    }

    private void toTls() {
        open(ProbeSettings.defaults());
        readOutboundHex();
        feed(CC_SSL, false);
        ByteBuf hello = ch.readOutbound();
        hello.release();
    }

    @Test
    void aConfirmTrickledOneByteEvery400MsIsNotCalledSilence() {
        open(ProbeSettings.defaults());
        readOutboundHex();
        trickle(CC_SSL, 400);
        untilTheDeadline();
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.X224);
        assertThat(r.cause()).isEqualTo(Causes.TRUNCATED_RESPONSE);
        // bytes at 0, 400, ..., 4800 ms: 13 of 19 had come when the deadline passed at 5000 ms
        assertThat(r.summary()).isEqualTo("received 13 byte(s) of the 19 announced; 13 byte(s) arrived in 13 read(s) "
                + "over 4800 ms, the last at 4800 ms: the message was still incomplete at the deadline (5000 ms)");
        assertThat(r.evidence()).containsEntry("reads", 13).containsEntry("lastByteAtMs", 4800L);
    }

    @Test
    void aServerHelloTrickledOneByteEvery300MsIsSlowNotStalled() {
        toTls();
        // a ServerHello record header and the start of the message: 16 03 03 004a 02 000046 0303 ...
        trickle("160303004a020000460303" + "00".repeat(40), 300);
        untilTheDeadline();
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.TLS);
        assertThat(r.cause()).isEqualTo(TlsCauses.TLS_HANDSHAKE_SLOW);
        assertThat(r.summary()).startsWith("17 byte(s) arrived in 17 read(s) over 4800 ms, the last at 4800 ms; "
                + "the handshake was still incomplete at the deadline (5000 ms)");
    }

    @Test
    void endlessHelloRequestFragmentsAreAFloodNotAStall() {
        toTls();
        // one-byte fragments of HelloRequest (type 0, length 0) as fast as the test can write them
        byte[] record = Wire.unhex("160303000100");
        byte[] chunk = new byte[record.length * 4096];
        for (int i = 0; i < 4096; i++) {
            System.arraycopy(record, 0, chunk, i * record.length, record.length);
        }
        for (int i = 0; i < 100 && !connector.isDone(); i++) {
            ticker.advance(1, TimeUnit.MILLISECONDS);
            ch.writeInbound(Unpooled.wrappedBuffer(chunk));
        }
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.TLS);
        assertThat(r.cause()).isEqualTo(TlsCauses.TLS_HANDSHAKE_FLOOD);
        assertThat(r.summary()).contains("without completing the handshake").contains("it floods, it did not stall")
                .doesNotContain("path-MTU");
        assertThat((Long) r.evidence().get("bytesReceived")).isGreaterThan((long) BcTlsHandler.DEFAULT_MAX_HANDSHAKE_BYTES);
    }

    @Test
    void aWarningAlertIsReportedAtItsLevel() {
        toTls();
        ch.writeInbound(Unpooled.wrappedBuffer(Wire.unhex("15030300020164"))); // warning(1) no_renegotiation(100)
        if (!connector.isDone()) {
            untilTheDeadline();
        }
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.TLS);
        assertThat(r.summary()).doesNotContain("fatal alert no_renegotiation")
                .contains("warning-level alert(s), the first no_renegotiation (100)");
        assertThat(r.evidence()).containsEntry("firstWarningAlert", "no_renegotiation (100)");
    }

    @Test
    void aSixteenMegabyteServerHelloNamesTheProbesOwnReason() {
        toTls();
        // a full 16 KB record whose handshake header claims a ServerHello of 0xffffff bytes
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(Wire.unhex("1603034000")).writeBytes(Wire.unhex("02ffffff")).writeZero(0x4000 - 4);
        ch.writeInbound(b);
        StageResult r = last();
        assertThat(r.stage()).isEqualTo(Stage.TLS);
        assertThat(r.cause()).isEqualTo(TlsCauses.TLS_ALERT);
        assertThat(r.summary()).startsWith("the probe aborted the handshake with").contains("16777215");
        assertThat(r.evidence()).containsEntry("alertFrom", "client (rdp-probe)");
    }

    /** Counts every buffer the channel's handlers allocate, to prove they are all released. */
    private static final class TrackingAllocator extends AbstractByteBufAllocator {
        private final List<ByteBuf> allocated = new ArrayList<>();

        TrackingAllocator() {
            super(false);
        }

        @Override
        protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
            ByteBuf b = Unpooled.buffer(initialCapacity, maxCapacity);
            allocated.add(b);
            return b;
        }

        @Override
        protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
            return newHeapBuffer(initialCapacity, maxCapacity);
        }

        @Override
        public boolean isDirectBufferPooled() {
            return false;
        }

        int allocated() {
            return allocated.size();
        }

        long unreleased() {
            return allocated.stream().filter(b -> b.refCnt() > 0).count();
        }
    }
}
