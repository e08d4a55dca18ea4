package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.netty.buffer.ByteBuf;
import io.rdpprobe.probe.model.Stage;
import java.util.List;

/** DNS: the driver resolves and reports through {@link ProbeConnector#dnsResolved}/{@code dnsFailed}. */
record Resolving(Peer peer) implements ConnectorState {
    @Override
    public Stage stage() {
        return Stage.DNS;
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
