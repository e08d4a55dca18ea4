package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.tls.TlsOutcome;
import io.rdpprobe.protocol.codec.DecodeException;
import java.time.Instant;
import java.util.List;

/**
 * One state of the probe connection (IronRDP's {@code ClientConnectorState}). Each record holds only what
 * is valid in its stage, frames its own input ({@link #nextFrameHint()}), and answers every event with a
 * {@link Transition}; none of them mutates the connector. An event a state does not expect leaves it as it
 * is.
 *
 * <pre>
 *   Resolving --dnsResolved--> Connecting --onConnected--> AwaitConfirm --CC(SSL/HYBRID)--> AwaitTls
 *                                   |  (gateway stages                 |                      |
 *                                   |   run below the driver)          +--CC(RDP)--+          +--TLS ok--> AwaitCredSsp
 *                                   |                                              v                          |
 *                                   +--- any failure ---------------------> Done  InSession <--delegated------+
 *                                                                                 (MCS ... ACTIVATION)
 * </pre>
 */
sealed interface ConnectorState permits Resolving, Connecting, AwaitConfirm, AwaitTls, AwaitCredSsp, InSession, Done {

    /** The stage in progress (or the last one, in {@link Done}). */
    Stage stage();

    Peer peer();

    /** When this stage started and times out; {@link StageClock#NONE} when nothing is pending. */
    default StageClock clock() {
        return StageClock.NONE;
    }

    /** How the next inbound PDU is delimited. */
    default FrameHint nextFrameHint() {
        return FrameHint.NONE;
    }

    /**
     * One complete frame, as {@link #nextFrameHint()} delimited it. {@code received} is everything pending
     * (the frame first), for evidence; the connector consumes the frame after the step.
     */
    default Transition step(Ctx c, ByteBuf frame, ByteBuf received, long nowNanos, ByteBuf out) {
        return Transition.stay(this);
    }

    /** {@link #nextFrameHint()} rejected the pending bytes. The state may consume them. */
    default Transition unframeable(Ctx c, ByteBuf received, DecodeException e, long nowNanos, ByteBuf out) {
        return Transition.stay(this);
    }

    /** The pending frame announces more than {@link FrameHint#maxLength()}. */
    default Transition oversized(Ctx c, ByteBuf received, int announced, long nowNanos) {
        return Transition.stay(this);
    }

    /** The driver's RDP TLS handshake finished, failed, was closed or stalled. */
    default Transition tlsOutcome(Ctx c, TlsOutcome o, long nowNanos, Instant wallNow, ByteBuf out) {
        return Transition.stay(this);
    }

    /** The peer closed (FIN) or reset the connection. */
    Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos);

    /** The deadline of {@link #clock()} passed; {@code arrived} says how this stage's bytes came. */
    Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos);

    /** A fatal TLS alert arrived after the handshake. */
    default Transition tlsAlert(Ctx c, int description, long nowNanos) {
        return Verdicts.tlsAlert(this, c, description, nowNanos);
    }

    /** The probe's own code failed. */
    default Transition internalError(Ctx c, Throwable t, long nowNanos) {
        return Verdicts.internalError(this, c, t, nowNanos);
    }

    /** The stages this probe would run from here, for NOT_REACHED padding after a failure. */
    List<Stage> plan(ProbeSettings s);

    // ---- what the connection established so far ------------------------------------------------------

    default Negotiated negotiated() {
        return null;
    }

    default Secured secured() {
        return null;
    }

    default byte[] connectResponseFrame() {
        return null;
    }
}
