package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.tpkt.FrameKind;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.DisconnectRequest;
import io.rdpprobe.protocol.x224.ErrorTpdu;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.protocol.x224.X224Tpdu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * X224: the Connection Request is out, the Connection Confirm (MS-RDPBCGR 2.2.1.2) is awaited. The only
 * place an X.224 reply becomes a verdict.
 *
 * @param requested the RDP_NEG_REQ protocols, or null for a legacy request
 * @param maxFrame  the largest reply accepted before calling it malformed
 */
record AwaitConfirm(Peer peer, Integer requested, int maxFrame, StageClock clock) implements ConnectorState {

    @Override
    public Stage stage() {
        return Stage.X224;
    }

    /** The CR this probe sends. */
    ConnectionRequest request(ProbeSettings s) {
        CrToken token = s.token();
        return requested == null ? ConnectionRequest.legacy(token) : ConnectionRequest.of(token, requested);
    }

    /** A TPKT, limited to the settings' largest X.224 reply; anything else cannot be a Connection Confirm. */
    private static final class Hint implements FrameHint {
        private final int max;

        Hint(int max) {
            this.max = max;
        }

        @Override
        public int frameLength(ByteBuf in) {
            FrameKind kind = FrameProbe.classify(in);
            if (kind == FrameKind.NEED_MORE) {
                return NEED_MORE;
            }
            if (kind != FrameKind.TPKT) {
                throw DecodeException.unexpected(Layer.TPKT, "first byte", in.readerIndex(), "not a TPKT: " + kind);
            }
            return TpktHeader.frameLength(in);
        }

        @Override
        public int maxLength() {
            return max;
        }

        @Override
        public String toString() {
            return "TPKT (X.224, at most " + max + " bytes)";
        }
    }

    @Override
    public FrameHint nextFrameHint() {
        return new Hint(maxFrame);
    }

    @Override
    public Transition unframeable(Ctx c, ByteBuf in, DecodeException e, long nowNanos, ByteBuf out) {
        if (FrameProbe.classify(in) != FrameKind.TPKT) {
            Map<String, Object> ev = Verdicts.received(in);
            String guess = Peek.guessService(in);
            if (guess != null) {
                ev.put("looksLike", guess);
            }
            return Transition.fail(this, c, Stage.X224, clock.elapsedMs(nowNanos), ev, Causes.NOT_RDP,
                    "the reply to the X.224 Connection Request is not TPKT (first byte "
                            + String.format("0x%02x", in.getUnsignedByte(in.readerIndex())) + ")"
                            + (guess != null ? ": it looks like " + guess : ""));
        }
        return malformed(c, in, e, nowNanos);
    }

    private Transition malformed(Ctx c, ByteBuf in, DecodeException e, long nowNanos) {
        Map<String, Object> ev = Verdicts.received(in);
        ev.put("layer", e.layer().name());
        ev.put("field", e.field());
        ev.put("offset", e.offset());
        ev.put("error", e.getMessage());
        return Transition.fail(this, c, Stage.X224, clock.elapsedMs(nowNanos), ev, Causes.MALFORMED_RESPONSE,
                "the server's reply is not a valid X.224 PDU: " + e.getMessage());
    }

    @Override
    public Transition oversized(Ctx c, ByteBuf in, int announced, long nowNanos) {
        Map<String, Object> ev = Verdicts.received(in);
        ev.put("announcedLength", announced);
        ev.put("limit", c.settings().maxX224Frame());
        return Transition.fail(this, c, Stage.X224, clock.elapsedMs(nowNanos), ev, Causes.MALFORMED_RESPONSE,
                "the reply announces a " + announced + "-byte TPKT; an X.224 Connection Confirm is 11 or 19 bytes"
                        + " (received " + in.readableBytes() + ")");
    }

    @Override
    public Transition step(Ctx c, ByteBuf frame, ByteBuf received, long nowNanos, ByteBuf out) {
        String rawHex = io.rdpprobe.protocol.codec.Wire.hex(frame);
        X224Tpdu tpdu;
        try {
            tpdu = X224Tpdu.decode(frame.duplicate());
        } catch (DecodeException e) {
            return malformed(c, received, e, nowNanos);
        }
        return reply(c, tpdu, rawHex, nowNanos, out);
    }

    private Transition reply(Ctx c, X224Tpdu tpdu, String rawHex, long nowNanos, ByteBuf out) {
        long elapsed = clock.elapsedMs(nowNanos);
        X224Reading reading = X224Reading.of(requested, tpdu, rawHex);
        StageResult r = reading.result(elapsed, Map.of());
        if (reading instanceof X224Reading.Refused refused) {
            ProbeSettings s = c.settings();
            if (s.credssp().ntlmInfo() && (s.stopAfter() == null || s.stopAfter().ordinal() >= Stage.CREDSSP.ordinal())) {
                // --ntlm-info: record the refusal, then try TLS + NTLM anyway on the same connection
                return Transition.to(new AwaitTls(peer, new Negotiated(refused.confirm(), Protocols.HYBRID),
                        StageClock.start(nowNanos, s)), Action.START_TLS, new StageResult(r.stage(), r.status(),
                        r.elapsedMs(), r.evidence(), r.cause(), r.summary()
                        + "; --ntlm-info: starting TLS anyway to read the server's NTLM CHALLENGE", r.inferred()));
            }
        }
        if (reading.selectedProtocol() < 0) {
            return Transition.fail(this, c, r);
        }
        return after(c, new Negotiated((ConnectionConfirm) tpdu, reading.selectedProtocol()), nowNanos, out).after(r);
    }

    /** X224 is settled: stop, start TLS, or start the session directly (Standard RDP Security). */
    private Transition after(Ctx c, Negotiated n, long nowNanos, ByteBuf out) {
        ProbeSettings s = c.settings();
        // the plan if the probe stops here: the selected protocol is known now
        List<Stage> plan = Plan.of(s, peer, n.selectedProtocol(), false);
        if (s.stopAfter() == Stage.X224) {
            return Transition.to(new Done(Stage.X224, peer, plan, n, null, null), Action.DONE);
        }
        if (Protocols.usesTls(n.selectedProtocol())) {
            return Transition.to(new AwaitTls(peer, n, StageClock.start(nowNanos, s)), Action.START_TLS);
        }
        return InSession.start(Stage.X224, plan, c, peer, n, null, nowNanos, out, null);
    }

    @Override
    public Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos) {
        int pendingBytes = pending == null ? 0 : pending.readableBytes();
        return Verdicts.closed(this, c, reset, pending, nowNanos, pendingBytes == 0
                ? "without answering the X.224 Connection Request"
                : "after sending " + pendingBytes + " byte(s) of an incomplete X.224 reply");
    }

    @Override
    public Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos) {
        return Verdicts.silence(this, c, pending, arrived, nowNanos, "no reply to the X.224 Connection Request", Causes.NO_RESPONSE);
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return Plan.of(s, peer, -1, false);
    }
}
