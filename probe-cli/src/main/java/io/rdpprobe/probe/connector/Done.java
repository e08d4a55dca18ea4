package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Arrivals;
import io.rdpprobe.probe.model.Stage;
import java.util.List;

/**
 * The probe is over. It keeps the stage it ended in, the plan of the state it ended from (for NOT_REACHED
 * padding) and what the connection established, for callers that read it afterwards.
 */
record Done(Stage stage, Peer peer, List<Stage> plan, Negotiated negotiated, Secured secured,
            byte[] connectResponse) implements ConnectorState {

    static Done after(ConnectorState from, Ctx c, Stage stage) {
        return new Done(stage, from.peer(), List.copyOf(from.plan(c.settings())), from.negotiated(), from.secured(),
                from.connectResponseFrame());
    }

    @Override
    public List<Stage> plan(ProbeSettings s) {
        return plan;
    }

    @Override
    public byte[] connectResponseFrame() {
        return connectResponse;
    }

    @Override
    public Transition closed(Ctx c, boolean reset, io.netty.buffer.ByteBuf pending, long nowNanos) {
        return Transition.stay(this);
    }

    @Override
    public Transition deadline(Ctx c, io.netty.buffer.ByteBuf pending, Arrivals arrived, long nowNanos) {
        return Transition.stay(this);
    }

    @Override
    public Transition tlsAlert(Ctx c, int description, long nowNanos) {
        return Transition.stay(this);
    }

    @Override
    public Transition internalError(Ctx c, Throwable t, long nowNanos) {
        return Transition.stay(this);
    }
}
