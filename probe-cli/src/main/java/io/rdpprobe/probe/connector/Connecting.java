package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Stage;
import java.util.List;

/**
 * TCP, and with an RD Gateway the gateway's stages, which run below the driver and report through
 * {@link ProbeConnector#externalStage}. It ends with {@link #connected}, when the driver's channel is
 * active (for a gateway: when the tunnel's channel is open).
 */
record Connecting(Peer peer) implements ConnectorState {
    @Override
    public Stage stage() {
        return Stage.TCP;
    }

    /** Writes the Connection Request and starts the X224 stage (from DNS too, for tests that skip it). */
    static Transition connected(Peer peer, Ctx c, long nowNanos, ByteBuf out) {
        AwaitConfirm next = new AwaitConfirm(peer, c.settings().requestedProtocols(), c.settings().maxX224Frame(),
                StageClock.start(nowNanos, c.settings()));
        next.request(c.settings()).encode(out);
        return Transition.to(next, Action.WAIT);
    }

    @Override
    public Transition closed(Ctx c, boolean reset, ByteBuf pending, long nowNanos) {
        return Verdicts.closed(this, c, reset, pending, nowNanos, null);
    }

    @Override
    public Transition deadline(Ctx c, ByteBuf pending, Arrivals arrived, long nowNanos) {
        return Transition.stay(this);
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return Plan.of(s, peer, -1, false);
    }
}
