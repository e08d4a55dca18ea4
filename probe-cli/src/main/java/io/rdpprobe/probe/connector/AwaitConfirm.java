package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
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

    private String requestedText() {
        return requested == null ? "none (legacy request without RDP_NEG_REQ)" : Protocols.describe(requested);
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
        String rawHex = ByteBufUtil.hexDump(frame);
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
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("requested", requestedText());
        if (tpdu instanceof ConnectionConfirm cc) {
            ev.put("reply", "X.224 Connection Confirm");
            ev.put("dstRef", String.format("0x%04x", cc.dstRef()));
            ev.put("srcRef", String.format("0x%04x", cc.srcRef()));
            if (cc.negotiation() instanceof NegotiationResponse rsp) {
                return selected(c, cc, rsp, ev, rawHex, elapsed, nowNanos, out);
            }
            if (cc.negotiation() instanceof NegotiationFailure f) {
                return refused(c, cc, f, ev, rawHex, elapsed, nowNanos);
            }
            // bare CC: no negotiation data
            ev.put("selected", "RDP");
            ev.put("negotiation", "none (bare Connection Confirm)");
            ev.put("raw", rawHex);
            StageResult r = requested != null
                    ? StageResult.warning(Stage.X224, elapsed, ev, Causes.NEGOTIATION_IGNORED,
                            "the server answered the RDP_NEG_REQ with a bare Connection Confirm: it ignored the request and "
                                    + "uses Standard RDP Security")
                    : StageResult.ok(Stage.X224, elapsed, ev,
                            "legacy Connection Confirm: Standard RDP Security (no negotiation requested)");
            return after(c, new Negotiated(cc, Protocols.RDP), nowNanos, out).after(r);
        }
        ev.put("raw", rawHex);
        if (tpdu instanceof DisconnectRequest dr) {
            ev.put("reply", "X.224 Disconnect Request");
            ev.put("reason", dr.reasonName());
            return Transition.fail(this, c, Stage.X224, elapsed, ev, Causes.X224_DISCONNECT,
                    "the server answered with an X.224 Disconnect Request (" + dr.reasonName() + ")");
        }
        if (tpdu instanceof ErrorTpdu er) {
            ev.put("reply", "X.224 TPDU Error");
            ev.put("rejectCause", er.causeName());
            return Transition.fail(this, c, Stage.X224, elapsed, ev, Causes.X224_ERROR,
                    "the server answered with an X.224 TPDU Error (" + er.causeName() + ")");
        }
        ev.put("reply", tpdu.getClass().getSimpleName());
        return Transition.fail(this, c, Stage.X224, elapsed, ev, Causes.MALFORMED_RESPONSE,
                "the server answered the Connection Request with an unexpected X.224 "
                        + tpdu.getClass().getSimpleName() + " instead of a Connection Confirm");
    }

    private Transition refused(Ctx c, ConnectionConfirm cc, NegotiationFailure f, Map<String, Object> ev, String rawHex,
                               long elapsed, long nowNanos) {
        ev.put("failureCode", f.failureCode().name());
        ev.put("failureCodeValue", String.format("0x%08x", f.failureCode().value()));
        ev.put("meaning", f.failureCode().meaning());
        ev.put("raw", rawHex);
        Cause cause = Causes.forFailureCode(f.failureCode());
        String summary;
        if (f.failureCode().value() == 5 && (requested == null || (requested & Protocols.HYBRID) == 0)) {
            summary = "NLA required: the server requires Network Level Authentication (CredSSP) and the request ("
                    + ev.get("requested") + ") did not offer it";
        } else {
            summary = "the server refused the negotiation with RDP_NEG_FAILURE " + f.failureCode().name()
                    + ": " + f.failureCode().meaning();
        }
        ProbeSettings s = c.settings();
        if (s.credssp().ntlmInfo() && (s.stopAfter() == null || s.stopAfter().ordinal() >= Stage.CREDSSP.ordinal())) {
            // --ntlm-info: record the refusal, then try TLS + NTLM anyway on the same connection
            return Transition.to(new AwaitTls(peer, new Negotiated(cc, Protocols.HYBRID), StageClock.start(nowNanos, s)),
                    Action.START_TLS, StageResult.failed(Stage.X224, elapsed, ev, cause, summary
                            + "; --ntlm-info: starting TLS anyway to read the server's NTLM CHALLENGE"));
        }
        return Transition.fail(this, c, Stage.X224, elapsed, ev, cause, summary);
    }

    private Transition selected(Ctx c, ConnectionConfirm cc, NegotiationResponse rsp, Map<String, Object> ev,
                                String rawHex, long elapsed, long nowNanos, ByteBuf out) {
        String sel = Protocols.name(rsp.selectedProtocol());
        ev.put("selected", sel);
        ev.put("serverFlags", rsp.flagNames());
        ev.put("raw", rawHex);
        int req = requested == null ? Protocols.RDP : requested;
        boolean requestedIt = rsp.selectedProtocol() == Protocols.RDP
                ? req == Protocols.RDP
                : Integer.bitCount(rsp.selectedProtocol()) == 1 && (req & rsp.selectedProtocol()) == rsp.selectedProtocol();
        StageResult r;
        if (!requestedIt) {
            String summary = rsp.selectedProtocol() == Protocols.RDP
                    ? "the server selected RDP (Standard RDP Security) although the request was " + Protocols.describe(req)
                    + ": it ignores the client's request instead of refusing with SSL_NOT_ALLOWED_BY_SERVER"
                    : "the server selected " + sel + ", which was not requested (" + Protocols.describe(req) + ")";
            r = StageResult.warning(Stage.X224, elapsed, ev, Causes.PROTOCOL_NOT_REQUESTED, summary);
        } else {
            r = StageResult.ok(Stage.X224, elapsed, ev, "selected " + sel + " (requested " + Protocols.describe(req) + ")");
        }
        return after(c, new Negotiated(cc, rsp.selectedProtocol()), nowNanos, out).after(r);
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
