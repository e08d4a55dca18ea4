package io.rdpprobe.probe.netty;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import io.rdpprobe.probe.connector.Action;
import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.Transcript;
import io.rdpprobe.probe.model.Stage;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The thin Netty side of the probe: it accumulates inbound bytes, hands every event to the sans-IO
 * {@link ProbeConnector}, writes what the connector produced, and enforces the connector's deadline. It
 * knows nothing of RDP. It sits at the tail of the pipeline, so the bytes below it may come straight from
 * a socket or out of an RD Gateway tunnel handler (which fires {@code channelActive} once the tunnel is
 * open). Its time is the event loop's {@link io.netty.util.concurrent.Ticker}, so an
 * {@link io.netty.channel.embedded.EmbeddedChannel} can move it. On {@link Action#START_TLS} it inserts the
 * RDP TLS handler, named {@link TlsLayer#RDP}'s handler name, just below itself, and it acts only on TLS
 * events of that layer. Not sharable: one per connection.
 */
public final class DriverHandler extends ChannelInboundHandlerAdapter {
    private final ProbeConnector connector;
    private final Promise<Void> finished;
    private final Function<ProbeConnector, BcTlsHandler> tlsFactory;
    private BcTlsHandler tls;
    private ByteBuf cumulation;
    private ScheduledFuture<?> deadlineTask;
    private long scheduledDeadline = Long.MAX_VALUE;
    private boolean reset;
    /** Reads the socket's TCP_INFO (null: the transport has none). */
    private java.util.function.Supplier<io.rdpprobe.probe.model.TcpInfoSample> pathSource;

    /**
     * @param tlsFactory makes the RDP TLS handler (its layer must be {@link TlsLayer#RDP}) when the
     *                   connector asks for TLS
     */
    public DriverHandler(ProbeConnector connector, Promise<Void> finished, Function<ProbeConnector, BcTlsHandler> tlsFactory) {
        this.connector = connector;
        this.finished = finished;
        this.tlsFactory = tlsFactory;
    }

    /** Records transitions (through the connector) and PDUs into {@code t}; its clock must be this driver's. */
    public DriverHandler transcript(Transcript t) {
        connector.transcript(t);
        return this;
    }

    /** Reads TCP_INFO at the end of each stage (and at a deadline) and hands it to the connector. */
    public DriverHandler pathSource(java.util.function.Supplier<io.rdpprobe.probe.model.TcpInfoSample> source) {
        this.pathSource = source;
        return this;
    }

    private void samplePath(Stage ended) {
        if (pathSource != null) {
            connector.pathSample(ended, pathSource.get());
        }
    }

    private static long now(ChannelHandlerContext ctx) {
        return ctx.executor().ticker().nanoTime();
    }

    private Transcript transcript() {
        return connector.transcript();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        cumulation = ctx.alloc().buffer(256);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        Stage before = connector.stage();
        ByteBuf out = ctx.alloc().buffer(64);
        Action a = connector.onConnected(now(ctx), java.time.Instant.now(), out);
        act(ctx, before, a, out);
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof BcTlsHandler.Done d && d.layer() == TlsLayer.RDP && tls != null) {
            Stage before = connector.stage();
            ByteBuf out = ctx.alloc().buffer(0);
            Action a = connector.onTlsOutcome(d.outcome(), now(ctx), Instant.now(), out);
            act(ctx, before, a, out);
            return;
        }
        if (evt instanceof BcTlsHandler.AlertReceived ar && ar.layer() == TlsLayer.RDP && tls != null) {
            Stage before = connector.stage();
            Action a = connector.onTlsAlert(ar.description(), now(ctx));
            act(ctx, before, a, ctx.alloc().buffer(0));
            return;
        }
        // anything else, including the gateway's TLS events, is not the driver's
        ctx.fireUserEventTriggered(evt);
    }

    private boolean inTlsHandshake() {
        return tls != null && !tls.isDone() && connector.stage() == Stage.TLS;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!(msg instanceof ByteBuf in) || connector.isDone()) {
                return;
            }
            Stage before = connector.stage();
            long now = now(ctx);
            if (transcript() != null) {
                transcript().standardSecurity(connector.selectedProtocol() == io.rdpprobe.protocol.x224.Protocols.RDP);
                transcript().pdu(now, false, before.name(), in, before == Stage.CREDSSP);
            }
            cumulation.writeBytes(in);
            ByteBuf out = ctx.alloc().buffer(0);
            Action a = connector.onData(cumulation, now, out);
            cumulation.discardReadBytes();
            act(ctx, before, a, out);
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof IOException) {
            if (String.valueOf(root.getMessage()).toLowerCase().contains("reset")) {
                reset = true;
            }
        } else if (!connector.isDone()) {
            connector.onInternalError(root, now(ctx));
            ctx.channel().attr(CaptureTap.STOP_REASON).set(connector.stopNote());
            finish();
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        long now = now(ctx);
        if (!connector.isDone()) {
            if (transcript() != null) {
                transcript().event(now, connector.stage().name(), "connection closed by the server ("
                        + (reset ? "RST" : "FIN") + ")");
            }
            if (inTlsHandshake()) {
                tlsEndedEarly(ctx, tls.outcome(!reset, reset, false), now);
            } else {
                connector.onClosed(reset, cumulation, now);
            }
        }
        finish();
        ctx.fireChannelInactive();
    }

    /** The handshake did not get to fire {@link BcTlsHandler.Done}: the close or the deadline came first. */
    private void tlsEndedEarly(ChannelHandlerContext ctx, io.rdpprobe.probe.tls.TlsOutcome o, long now) {
        ByteBuf discard = ctx.alloc().buffer(0);
        try {
            connector.onTlsOutcome(o, now, Instant.now(), discard);
        } finally {
            discard.release();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        if (cumulation != null) {
            cumulation.release();
            cumulation = null;
        }
    }

    private void act(ChannelHandlerContext ctx, Stage before, Action a, ByteBuf out) {
        Transcript t = transcript();
        long now = now(ctx);
        if (t != null && out.isReadable()) {
            t.standardSecurity(connector.selectedProtocol() == io.rdpprobe.protocol.x224.Protocols.RDP);
            // CredSSP messages carry NTLM material, also the last one written together with MCS Connect Initial
            t.pdu(now, true, connector.stage().name(), out, before == Stage.CREDSSP || connector.stage() == Stage.CREDSSP);
        }
        if (t != null && a == Action.DONE) {
            t.event(now, connector.stage().name(), "done: closing the connection");
        }
        if (out.isReadable()) {
            ctx.writeAndFlush(out);
        } else {
            out.release();
        }
        if (before != connector.stage() || a == Action.DONE) {
            samplePath(before);
        }
        switch (a) {
            case WAIT -> reschedule(ctx);
            case DONE -> {
                cancelDeadline();
                ctx.channel().attr(CaptureTap.STOP_REASON).set(connector.stopNote());
                if (tls != null && tls.isDone()) {
                    tls.closeTls(ctx.pipeline().context(tls));
                }
                ctx.close();
                finish();
            }
            case START_TLS -> {
                tls = tlsFactory.apply(connector);
                Transcript tt = transcript();
                if (tt != null) {
                    tls.tap((sent, raw) -> tt.tls(now(ctx), sent, connector.stage().name(), Transcript.SERVER, null, raw));
                }
                if (tls.layer() != TlsLayer.RDP) {
                    throw new IllegalStateException("the driver's TLS handler must be the RDP layer, not " + tls.layer());
                }
                ctx.pipeline().addBefore(ctx.name(), TlsLayer.RDP.handlerName(), tls);
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
        long delay = Math.max(0, deadline - now(ctx));
        deadlineTask = ctx.executor().schedule(() -> onDeadline(ctx), delay, TimeUnit.NANOSECONDS);
    }

    private void onDeadline(ChannelHandlerContext ctx) {
        if (connector.isDone()) {
            return;
        }
        long now = now(ctx);
        Stage before = connector.stage();
        if (inTlsHandshake()) {
            tlsEndedEarly(ctx, tls.outcome(false, false, true), now);
        } else {
            connector.onDeadline(cumulation, now);
        }
        samplePath(before);
        if (transcript() != null) {
            transcript().event(now, connector.stage().name(), "deadline passed: closing the connection");
        }
        ctx.channel().attr(CaptureTap.STOP_REASON).set(connector.stopNote());
        ctx.close();
        finish();
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
