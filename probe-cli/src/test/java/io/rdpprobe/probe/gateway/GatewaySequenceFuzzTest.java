package io.rdpprobe.probe.gateway;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.gateway.GatewaySequence.Close;
import io.rdpprobe.probe.gateway.GatewaySequence.Command;
import io.rdpprobe.probe.gateway.GatewaySequence.Leg;
import io.rdpprobe.probe.gateway.GatewaySequence.SendHttp;
import io.rdpprobe.probe.gateway.GatewaySequence.Step;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * Jazzer target for the sans-IO gateway sequence (issue 15): a scripted TLS + NTLM + WebSocket handshake, then
 * valid RDG replies up to a stage the input picks, then the input as the gateway's byte stream, framed and
 * decoded as GatewayHandler does, then a close or a deadline. Whatever the bytes, no exception may escape, the
 * sequence must end done (with a failed stage or a Close command) or with the channel open, and no stage may
 * blame PROBE_INTERNAL_ERROR.
 */
class GatewaySequenceFuzzTest {
    static final long WALL = GatewaySequenceTest.WALL;

    @FuzzTest
    void gatewayBytes(byte[] in) throws Exception {
        if (in.length < 2) return;
        List<StageResult> results = new ArrayList<>();
        List<Command> cmds = new ArrayList<>();
        long[] now = {GatewaySequenceTest.T0};
        Random r = new Random(7);
        GatewaySequence q = new GatewaySequence(GatewaySequenceTest.settings(GatewaySettings.Transport.AUTO,
                GatewaySequenceTest.PASSWORD, null), r::nextBytes, 5_000, 300_000);
        q.start(now[0]);
        java.util.function.Consumer<Step> run = s -> {
            results.addAll(s.results());
            cmds.addAll(s.commands());
        };
        run.accept(q.onTls(Leg.OUT, GatewaySequenceTest.tlsOk(), now[0] += 20_000_000, Instant.ofEpochMilli(WALL)));
        run.accept(q.onHttpReply(Leg.OUT, GatewaySequenceTest.reply(401, "WWW-Authenticate", "NTLM"), now[0] += 1_000_000, WALL));
        run.accept(q.onHttpReply(Leg.OUT, GatewaySequenceTest.reply(401, "WWW-Authenticate",
                "NTLM " + Base64.getEncoder().encodeToString(GatewaySequenceTest.challenge())), now[0] += 1_000_000, WALL + 2));
        SendHttp auth = (SendHttp) cmds.get(cmds.size() - 1);
        run.accept(q.onHttpReply(Leg.OUT, GatewaySequenceTest.reply(101, "Upgrade", "websocket", "Connection", "Upgrade",
                "Sec-WebSocket-Accept", GatewaySequence.acceptFor(GatewaySequenceTest.header(auth, "Sec-WebSocket-Key"))),
                now[0] += 1_000_000, WALL));
        List<RdgPacket> script = List.of(new HandshakeResponse(0, 1, 0, 0, 0), TunnelResponse.of(0, 42L, 0x3fL, null),
                TunnelAuthResponse.of(0, 0x80000000L, 30L), ChannelResponse.of(0, 1L));
        int stage = (in[0] & 0xFF) % (script.size() + 1);
        for (int i = 0; i < stage; i++) {
            run.accept(q.onPacket(script.get(i), now[0] += 1_000_000));
        }
        // the gateway's bytes, delivered in two reads split where the second byte says
        byte[] bytes = java.util.Arrays.copyOfRange(in, 2, in.length);
        int split = bytes.length == 0 ? 0 : (in[1] & 0xFF) % (bytes.length + 1);
        RdgStreamFramer framer = new RdgStreamFramer();
        ByteBuf stream = Unpooled.buffer();
        for (byte[] chunk : new byte[][] {java.util.Arrays.copyOf(bytes, split), java.util.Arrays.copyOfRange(bytes, split, bytes.length)}) {
            stream.writeBytes(chunk);
            feed(q, framer, stream, run, now);
        }
        if (!q.isDone() && !q.isOpen()) {
            run.accept((in[1] & 1) == 0 ? q.onClosed(Leg.OUT, (in[1] & 2) != 0, now[0] += 1_000_000)
                    : q.onDeadline(now[0] += 6_000_000_000L));
        }
        for (StageResult s : results) {
            if (s.cause() != null && "PROBE_INTERNAL_ERROR".equals(s.cause().code())) {
                throw new AssertionError("PROBE_INTERNAL_ERROR: " + s);
            }
        }
        if (q.isOpen()) return;
        if (!q.isDone()) {
            throw new AssertionError("neither done nor open after the close: " + q);
        }
        boolean failed = results.stream().anyMatch(s -> s.status() == Status.FAILED);
        boolean closed = cmds.stream().anyMatch(c -> c instanceof Close);
        if (!failed && !closed) {
            throw new AssertionError("done without a failed stage or a Close command: " + results + " " + cmds);
        }
    }

    /** GatewayHandler's read loop, without a channel. */
    static void feed(GatewaySequence q, RdgStreamFramer framer, ByteBuf stream, java.util.function.Consumer<Step> run, long[] now) {
        while (stream.isReadable() && !q.isDone()) {
            try {
                int len = framer.next(stream);
                if (len == RdgHeader.NEED_MORE) {
                    break;
                }
                if (stream.getUnsignedShortLE(stream.readerIndex()) == RdgPacketType.DATA && q.isOpen()) {
                    DataPacket.payload(stream);
                    continue;
                }
                int before = stream.readerIndex();
                RdgPacket p = RdgPacket.decode(stream);
                if (stream.readerIndex() != before + len) {
                    throw new AssertionError("decode consumed " + (stream.readerIndex() - before) + " of " + len);
                }
                run.accept(q.onPacket(p, now[0] += 1_000_000));
            } catch (DecodeException e) {
                run.accept(q.onMalformed(e, now[0] += 1_000_000));
                break;
            }
        }
    }
}
