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

    public DriverHandler(ProbeConnector connector, Promise<Void> finished,
                         java.util.function.Function<ProbeConnector, BcTlsHandler> tlsFactory) {
        this.connector = connector;
        this.finished = finished;
        this.tlsFactory = tlsFactory;
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
        if (cause instanceof IOException && String.valueOf(cause.getMessage()).toLowerCase().contains("reset")) {
            reset = true;
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
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
