package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Causes;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.session.LogonInfo;
import io.rdpprobe.probe.session.SessionSequence;
import io.rdpprobe.probe.session.SessionSettings;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.x224.Protocols;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MCS, SECURITY_EXCHANGE, LICENSING and ACTIVATION: the {@link SessionSequence} runs and reports its own
 * stage results; each of its stages gets a fresh deadline.
 *
 * @param secured         the TLS stage's result, or null under Standard RDP Security
 * @param connectResponse the server's Connect Response frame once it arrived (as the sequence decoded it)
 * @param stage           the session's stage when this state was made
 */
record InSession(Peer peer, Negotiated negotiated, Secured secured, SessionSequence session, byte[] connectResponse,
                 Stage stage, StageClock clock) implements ConnectorState {

    private static final FrameHint HINT = new FrameHint() {
        @Override
        public int frameLength(ByteBuf in) {
            return FrameProbe.frameLength(in);
        }

        @Override
        public String toString() {
            return "TPKT or fast-path";
        }
    };

    /**
     * Starts MCS, unless the probe stops before it.
     *
     * @param current the stage that just ended, where the probe stops if MCS is not to run
     * @param plan    the plan if it stops
     */
    static Transition start(Stage current, List<Stage> plan, Ctx c, Peer peer, Negotiated n, Secured secured,
                            long nowNanos, ByteBuf out, LogonInfo logon) {
        ProbeSettings s = c.settings();
        if (s.stopAfter() != null && s.stopAfter().ordinal() < Stage.MCS.ordinal()) {
            return Transition.to(new Done(current, peer, plan, n, secured, null), Action.DONE);
        }
        int requested = s.requestedProtocols() == null ? Protocols.RDP : s.requestedProtocols();
        SessionSettings ss = s.session() != null ? s.session() : SessionSettings.defaults("rdp-probe");
        SessionSequence session = new SessionSequence(n.selectedProtocol(), requested, ss, new SecureRandom()::nextBytes, logon)
                .stopAfter(s.stopAfter());
        java.time.Instant wall = secured != null ? java.time.Instant.ofEpochMilli(secured.wallMillis(nowNanos)) : c.wall().at(nowNanos);
        if (wall != null) {
            session.judgeCertificatesAt(wall, s.tls().trust());
        }
        InSession st = new InSession(peer, n, secured, session, null, Stage.MCS, StageClock.start(nowNanos, s));
        return st.apply(c, session.start(nowNanos / 1_000_000L), nowNanos, out);
    }

    @Override
    public FrameHint nextFrameHint() {
        return HINT;
    }

    @Override
    public Transition unframeable(Ctx c, ByteBuf in, DecodeException e, long nowNanos, ByteBuf out) {
        // not a frame: the sequence gives the verdict (or skips fast-path noise)
        return apply(c, session.receive(in.readSlice(in.readableBytes()), nowNanos / 1_000_000L), nowNanos, out);
    }

    @Override
    public Transition step(Ctx c, ByteBuf frame, ByteBuf received, long nowNanos, ByteBuf out) {
        // the sequence interprets every frame, the first one too (a Disconnect Provider Ultimatum instead of the
        // Connect Response is the server's disconnect, not a malformed Connect Response)
        SessionSequence.Step st = session.receive(frame, nowNanos / 1_000_000L);
        InSession next = this;
        if (connectResponse == null && session.connectResponseFrame() != null) {
            next = new InSession(peer, negotiated, secured, session, session.connectResponseFrame(), stage, clock);
        }
        // --stop-after MCS (after the channel joins) and later stops are the sequence's own (SessionSettings)
        return next.apply(c, st, nowNanos, out);
    }

    private Transition apply(Ctx c, SessionSequence.Step st, long nowNanos, ByteBuf out) {
        for (byte[] frame : st.outbound()) {
            out.writeBytes(frame);
        }
        if (st.close() || session.isDone()) {
            return finish(c, null);
        }
        Stage now = session.currentStage();
        if (now != stage) {
            // a fresh deadline for each stage
            return Transition.to(new InSession(peer, negotiated, secured, session, connectResponse, now,
                    StageClock.start(nowNanos, c.settings())), Action.WAIT);
        }
        return Transition.stay(this);
    }

    /** The session is over: its results (the timeout in place of its stage's), ending at the last one reached. */
    private Transition finish(Ctx c, StageResult timeout) {
        List<StageResult> recorded = new ArrayList<>();
        for (StageResult r : session.results()) {
            if (timeout != null && r.stage() == timeout.stage()) {
                recorded.add(timeout);
            } else if (r.status() != Status.NOT_REACHED) {
                recorded.add(r);
            }
        }
        Stage last = stage;
        List<StageResult> all = new ArrayList<>(c.results());
        all.addAll(recorded);
        for (StageResult r : all) {
            if (r.status() != Status.NOT_REACHED && r.status() != Status.SKIPPED) {
                last = r.stage();
            }
        }
        return new Transition(new Done(last, peer, plan(c.settings()), negotiated, secured, connectResponse),
                Action.DONE, recorded);
    }

    @Override
    public Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos) {
        session.closed(nowNanos / 1_000_000L, reset);
        return finish(c, null);
    }

    @Override
    public Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos) {
        long timeoutMs = c.settings().stageTimeoutMillis();
        Stage s = session.currentStage();
        Map<String, Object> ev = new LinkedHashMap<>();
        ev.put("timeoutMs", timeoutMs);
        ev.put("sessionState", session.state().name());
        ev.put("bytesPending", pending == null ? 0 : pending.readableBytes());
        Cause cause = s == Stage.LICENSING ? Causes.SERVER_STALLED.withClientError(ClientError.of(0x908)) : Causes.SERVER_STALLED;
        return finish(c, StageResult.failed(s, clock.elapsedMs(nowNanos), ev, cause, "no reply from the server in " + s
                + " (waiting in " + session.state() + ") within " + timeoutMs + " ms"));
    }

    @Override
    public Transition internalError(Ctx c, Throwable t, long nowNanos) {
        session.closed(nowNanos / 1_000_000L);
        return Verdicts.internalError(this, c, t, nowNanos);
    }

    @Override
    public byte[] connectResponseFrame() {
        return connectResponse;
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return Plan.of(s, peer, negotiated.selectedProtocol(), true);
    }
}
