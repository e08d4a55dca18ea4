package io.rdpprobe.probe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.rdpprobe.probe.connector.Action;
import io.rdpprobe.probe.connector.ProbeConnector;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The thin Netty side of the probe: it accumulates inbound bytes, hands every event to the sans-IO
 * {@link ProbeConnector}, writes what the connector produced, and enforces the connector's deadline.
 * It knows nothing of RDP. It sits at the tail of the pipeline, so the bytes below it may come straight
 * from a socket or out of an RD Gateway tunnel handler. Not sharable: one per connection.
 */
public final class DriverHandler extends ChannelInboundHandlerAdapter {
    private final ProbeConnector connector;
    private final Promise<Void> finished;
    private final java.util.function.Function<ProbeConnector, BcTlsHandler> tlsFactory;
    private BcTlsHandler tls;
    private ByteBuf cumulation;
    private ScheduledFuture<?> deadlineTask;
    private long scheduledDeadline = Long.MAX_VALUE;
    private boolean reset;
    private io.rdpprobe.probe.connector.Transcript transcript;
    private io.rdpprobe.probe.model.Stage lastStage;

    public DriverHandler(ProbeConnector connector, Promise<Void> finished,
                         java.util.function.Function<ProbeConnector, BcTlsHandler> tlsFactory) {
        this.connector = connector;
        this.finished = finished;
        this.tlsFactory = tlsFactory;
    }

    /** Records transitions and PDUs into {@code t}. */
    public DriverHandler transcript(io.rdpprobe.probe.connector.Transcript t) {
        this.transcript = t;
        return this;
    }

    private boolean opaque() {
        return connector.stage() == io.rdpprobe.probe.model.Stage.CREDSSP;
    }

    private void noteStage() {
        if (transcript != null && connector.stage() != lastStage) {
            transcript.event(System.nanoTime(), connector.stage().name(),
                    (lastStage == null ? "start" : lastStage + " -->") + " " + connector.stage());
            lastStage = connector.stage();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof BcTlsHandler.Done d) {
            ByteBuf out = ctx.alloc().buffer(0);
            Action a = connector.onTlsOutcome(d.outcome(), System.nanoTime(), java.time.Instant.now(), out);
            act(ctx, a, out);
            return;
        }
        if (evt instanceof BcTlsHandler.AlertReceived ar) {
            Action a = connector.onTlsAlert(ar.description(), System.nanoTime());
            act(ctx, a, ctx.alloc().buffer(0));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    private boolean inTlsHandshake() {
        return tls != null && !tls.isDone() && connector.stage() == io.rdpprobe.probe.model.Stage.TLS;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        cumulation = ctx.alloc().buffer(256);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ByteBuf out = ctx.alloc().buffer(64);
        Action a = connector.onConnected(System.nanoTime(), out);
        act(ctx, a, out);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ByteBuf in) || connector.isDone()) {
                return;
            }
            if (transcript != null) {
                transcript.pdu(System.nanoTime(), false, connector.stage().name(), in, opaque());
            }
            cumulation.writeBytes(in);
            ByteBuf out = ctx.alloc().buffer(0);
            Action a = connector.onData(cumulation, System.nanoTime(), out);
            cumulation.discardReadBytes();
            act(ctx, a, out);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (root instanceof IOException) {
            if (String.valueOf(root.getMessage()).toLowerCase().contains("reset")) {
                reset = true;
            }
        } else if (!connector.isDone()) {
            connector.onInternalError(root, System.nanoTime());
            finish();
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (transcript != null && !connector.isDone()) {
            transcript.event(System.nanoTime(), connector.stage().name(), "connection closed by the server ("
                    + (reset ? "RST" : "FIN") + ")");
        }
        if (!connector.isDone()) {
            if (inTlsHandshake()) {
                connector.onTlsOutcome(tls.outcome(!reset, reset, false), System.nanoTime(), java.time.Instant.now(),
                        io.netty.buffer.Unpooled.buffer(0));
            } else {
                connector.onClosed(reset, cumulation, System.nanoTime());
            }
        }
        finish();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void act(ChannelHandlerContext ctx, Action a, ByteBuf out) {
        boolean wasCredSsp = lastStage == io.rdpprobe.probe.model.Stage.CREDSSP;
        noteStage();
        if (transcript != null && out.isReadable()) {
            transcript.pdu(System.nanoTime(), true, connector.stage().name(), out, opaque() || wasCredSsp);
        }
        if (transcript != null && a == Action.DONE) {
            transcript.event(System.nanoTime(), connector.stage().name(), "done: closing the connection");
        }
        if (out.isReadable()) {
            ctx.writeAndFlush(out);
        } else {
            out.release();
        }
        switch (a) {
            case WAIT -> reschedule(ctx);
            case DONE -> {
                cancelDeadline();
                if (tls != null && tls.isDone()) {
                    tls.closeTls(ctx.pipeline().context(tls));
                }
                ctx.close();
                finish();
            }
            case START_TLS -> {
                tls = tlsFactory.apply(connector);
                ctx.pipeline().addBefore(ctx.name(), "tls", tls);
                reschedule(ctx);
            }
        }
    }

    private void reschedule(ChannelHandlerContext ctx) {
        long deadline = connector.deadlineNanos();
        if (deadline == scheduledDeadline) {
            return;
        }
        cancelDeadline();
        scheduledDeadline = deadline;
        if (deadline == Long.MAX_VALUE) {
            return;
        }
        long delay = Math.max(0, deadline - System.nanoTime());
        deadlineTask = ctx.executor().schedule(() -> {
            if (!connector.isDone()) {
                if (inTlsHandshake()) {
                    connector.onTlsOutcome(tls.outcome(false, false, true), System.nanoTime(), java.time.Instant.now(),
                            io.netty.buffer.Unpooled.buffer(0));
                } else {
                    connector.onDeadline(cumulation, System.nanoTime());
                }
                ctx.close();
                finish();
            }
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void cancelDeadline() {
        if (deadlineTask != null) {
            deadlineTask.cancel(false);
            deadlineTask = null;
        }
        scheduledDeadline = Long.MAX_VALUE;
    }

    private void finish() {
        finished.trySuccess(null);
    }
}
