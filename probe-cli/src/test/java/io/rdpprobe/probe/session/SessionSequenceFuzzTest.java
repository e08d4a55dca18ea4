package io.rdpprobe.probe.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.demo.RdpServerSession;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.x224.Protocols;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Jazzer target for the session sequence (MCS, security exchange, licensing, activation; issue 15). The client runs
 * on the demo's RDP server's frames (recorded once) for as many frames as the first byte says, under TLS or Standard
 * RDP Security with one of its methods (second byte), then the input is the server's byte stream, framed as the connector frames it (an
 * unframeable rest goes to the sequence whole, as InSession does), then a close. No exception may escape, every
 * stage must end with a verdict that is not PROBE_INTERNAL_ERROR, and the sequence must be done after the close.
 */
public class SessionSequenceFuzzTest {
    /** Selected protocol per configuration: TLS, then Standard RDP Security with each method. */
    private static final int[] SELECTED = {Protocols.SSL, 0, 0, 0};
    private static final EncryptionMethod[] METHOD = {EncryptionMethod.NONE, EncryptionMethod.BIT_128,
            EncryptionMethod.FIPS, EncryptionMethod.BIT_40};
    /**
     * The demo server's frames, in order, for a whole exchange per configuration, recorded once: the client's
     * randomness is seeded, so every fuzz run's client sends what this client sent, and replaying the frames
     * spares generating the server's RSA key per input.
     */
    private static final List<byte[]>[] SERVER_FRAMES = record();

    private static SessionSequence client(int config) {
        Random r = new Random(3);
        return new SessionSequence(SELECTED[config], SELECTED[config] | Protocols.HYBRID,
                SessionSettings.defaults("FUZZ"), r::nextBytes, null);
    }

    @SuppressWarnings("unchecked")
    private static List<byte[]>[] record() {
        List<byte[]>[] all = new List[SELECTED.length];
        for (int config = 0; config < SELECTED.length; config++) {
            RdpServerSession server = new RdpServerSession(SELECTED[config], METHOD[config]);
            SessionSequence seq = client(config);
            List<byte[]> frames = new ArrayList<>();
            long t = 100;
            Deque<byte[]> toServer = new ArrayDeque<>(seq.start(t).outbound());
            replay:
            while (!toServer.isEmpty() && !seq.isDone()) {
                for (byte[] reply : server.respond(toServer.poll())) {
                    if (reply == RdpServerSession.CLOSE) {
                        break replay;
                    }
                    frames.add(reply);
                    SessionSequence.Step s = seq.receive(reply, t += 5);
                    toServer.addAll(s.outbound());
                    if (s.close()) {
                        break replay;
                    }
                }
            }
            if (frames.size() < 4) {
                throw new IllegalStateException("the demo server sent only " + frames.size() + " frame(s) in configuration " + config);
            }
            all[config] = List.copyOf(frames);
        }
        return all;
    }

    @FuzzTest
    public void serverFrames(byte[] in) {
        if (in.length < 2) {
            return;
        }
        int config = (in[1] & 0xFF) % SERVER_FRAMES.length;
        SessionSequence seq = client(config);
        long t = 100;
        seq.start(t);
        List<byte[]> script = SERVER_FRAMES[config];
        int realFrames = (in[0] & 0xFF) % (script.size() + 1);
        for (int i = 0; i < realFrames && !seq.isDone(); i++) {
            if (seq.receive(script.get(i), t += 5).close()) {
                break;
            }
        }
        ByteBuf stream = Unpooled.wrappedBuffer(Arrays.copyOfRange(in, 2, in.length));
        while (!seq.isDone() && stream.isReadable()) {
            int len;
            try {
                len = FrameProbe.frameLength(stream);
            } catch (DecodeException e) {
                seq.receive(stream.readSlice(stream.readableBytes()), t += 5);
                break;
            }
            if (len == FrameProbe.NEED_MORE || len > stream.readableBytes()) {
                break;
            }
            if (seq.receive(stream.readSlice(len), t += 5).close()) {
                break;
            }
        }
        seq.closed(t + 5);
        if (!seq.isDone()) {
            throw new AssertionError("not done after the close: " + seq.state());
        }
        for (StageResult s : seq.results()) {
            if (s.cause() != null && "PROBE_INTERNAL_ERROR".equals(s.cause().code())) {
                throw new AssertionError("PROBE_INTERNAL_ERROR: " + s);
            }
        }
        seq.channels();
        seq.serverData();
    }
}
