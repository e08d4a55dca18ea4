package io.rdpprobe.probe.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.Transcript;
import io.rdpprobe.probe.gateway.GatewaySequence;
import io.rdpprobe.probe.gateway.GatewaySequence.Leg;
import io.rdpprobe.probe.gateway.GatewaySettings;
import io.rdpprobe.probe.gateway.HttpReply;
import io.rdpprobe.probe.gateway.RdgStreamFramer;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.tls.KeyLog;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import java.io.IOException;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The RD Gateway tunnel (MS-TSGU HTTP transport) as a Netty handler below the {@link DriverHandler}. It runs
 * the {@link GatewaySequence} over its own TLS ({@code gw-tls}), HTTP ({@code gw-http}, Netty's codec-http)
 * and WebSocket framing (Netty's WebSocket13 codec), records the GATEWAY_* stages in the connector, and once
 * the channel to the target is open fires {@code channelActive} up to the driver: from then on the driver and
 * its connector see the target's byte stream exactly as on a direct connection, and each write becomes RDG
 * DATA packets. For the two-connection transport it opens the RDG_IN_DATA connection itself, on the same
 * event loop. Not sharable.
 */
public final class GatewayHandler extends ChannelDuplexHandler {
    public static final String NAME = "gateway";
    public static final String HTTP = "gw-http";
    

    private final GatewaySequence seq;
    private final GatewaySettings settings;
    private final ProbeConnector connector;
    private final KeyLog keyLog;
    private final List<Supplier<ChannelHandler>> wireTaps;
    private final Transcript transcript;
    /** Size of the HTTP response being read (status line, headers, body so far), for the transcript. */
    private int responseBytes;
    private final long timeoutMillis;
    private ChannelHandlerContext ctx;
    private BcTlsHandler outTls;
    private BcTlsHandler inTls;
    private Channel in;
    private boolean inChunked;
    private boolean rawOut;
    private boolean open;
    /** The probe stopped at a gateway stage by --stop-after (or before the gateway, after TCP): the close is ours. */
    private boolean stopped;
    private boolean resetSeen;
    private final RdgStreamFramer framer = new RdgStreamFramer();
    private ByteBuf stream;
    private HttpReply pendingReply;
    private Leg pendingLeg;
    private ByteBuf pendingBody;
    private ScheduledFuture<?> deadlineTask;
    private long scheduled = Long.MAX_VALUE;
    private java.util.function.LongSupplier connectGate;

    public GatewayHandler(GatewaySequence seq, GatewaySettings settings, ProbeConnector connector, KeyLog keyLog,
                          List<Supplier<ChannelHandler>> wireTaps, Transcript transcript, long timeoutMillis) {
        this.seq = seq;
        this.settings = settings;
        this.connector = connector;
        this.keyLog = keyLog;
        this.wireTaps = List.copyOf(wireTaps);
        this.transcript = transcript;
        this.timeoutMillis = timeoutMillis;
    }

    /**
     * A fleet scan's rate limit for the RDG_IN_DATA connection (see {@link ProbeRunner#laterConnectGate}); null: none.
     */
    public GatewayHandler connectGate(java.util.function.LongSupplier gate) {
        this.connectGate = gate;
        return this;
    }

    /** The pipeline for the main (OUT) gateway connection, below the driver. */
    public static void install(Channel ch, GatewayHandler gw) {
        ch.pipeline().addLast(HTTP, newHttpCodec());
        ch.pipeline().addLast(NAME, gw);
    }

    private static HttpClientCodec newHttpCodec() {
        return new HttpClientCodec(4096, 16 * 1024, 16 * 1024);
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        stream = ctx.alloc().buffer(1024);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelDeadline();
        if (stream != null) {
            stream.release();
            stream = null;
        }
        if (pendingBody != null) {
            pendingBody.release();
            pendingBody = null;
        }
        if (in != null) {
            in.close();
        }
    }

    // ---- inbound -----------------------------------------------------------------------------------------

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // swallowed: the driver gets channelActive only when the tunnel's channel is open
        if (connector.isDone()) {
            stopped = true; // --stop-after TCP: no TLS to the gateway
            ctx.close();
            return;
        }
        seq.start(now());
        note("TCP to the gateway up; TLS");
        outTls = new BcTlsHandler(TlsLayer.GATEWAY, settings.tls().versions(), sni(), keyLog);
        if (transcript != null) {
            outTls.tap((sent, raw) -> transcript.tls(now(), sent, seq.stage().name(), Transcript.GATEWAY, "out", raw));
        }
        ctx.pipeline().addBefore(HTTP, TlsLayer.GATEWAY.handlerName(), outTls);
        reschedule();
    }

    private String sni() {
        return !settings.tls().sendSni() || io.rdpprobe.probe.connector.HostNames.isAddressLiteral(settings.host())
                ? null : settings.host();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof BcTlsHandler.Done d && d.layer() == TlsLayer.GATEWAY) {
            apply(seq.onTls(Leg.OUT, d.outcome(), now(), Instant.now()));
            return;
        }
        if (evt instanceof BcTlsHandler.AlertReceived a && a.layer() == TlsLayer.GATEWAY) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open && msg instanceof ByteBuf b && !seq.usesWebSocket()) {
            rawBytes(b);
            return;
        }
        onRead(Leg.OUT, msg);
    }

    private void onRead(Leg leg, Object msg) {
        try {
            if (msg instanceof HttpResponse r) {
                onResponse(leg, r);
            }
            if (msg instanceof HttpContent c) {
                if (leg == Leg.OUT && rawOut) {
                    feed(c.content());
                } else if (pendingReply != null && pendingLeg == leg) {
                    responseBytes += c.content().readableBytes();
                    int room = HttpReply.MAX_BODY_PREFIX - pendingBody.readableBytes();
                    if (room > 0) {
                        pendingBody.writeBytes(c.content(), c.content().readerIndex(), Math.min(room, c.content().readableBytes()));
                    }
                    if (c instanceof LastHttpContent) {
                        HttpReply rep = pendingReply.withBody(ByteBufUtil.getBytes(pendingBody));
                        pendingReply = null;
                        pendingBody.release();
                        pendingBody = null;
                        deliver(leg, rep);
                    }
                }
            } else if (msg instanceof WebSocketFrame f) {
                onFrame(f);
            } else if (msg instanceof ByteBuf b && leg == Leg.OUT && (rawOut || open)) {
                feed(b);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onResponse(Leg leg, HttpResponse r) {
        List<String[]> pairs = new ArrayList<>();
        for (Map.Entry<String, String> e : r.headers()) {
            pairs.add(new String[] {e.getKey(), e.getValue()});
        }
        HttpReply rep = HttpReply.of(r.status().code(), r.status().reasonPhrase(), pairs);
        responseBytes = 15 + r.status().reasonPhrase().length() + 2;
        for (String[] p : pairs) {
            responseBytes += p[0].length() + p[1].length() + 4;
        }
        if (!r.decoderResult().isSuccess()) {
            apply(seq.onMalformed(DecodeException.invalid(io.rdpprobe.protocol.codec.Layer.HTTP, "status line",
                    0, String.valueOf(r.decoderResult().cause())), now()));
            return;
        }
        if (rep.status() == 101 || rep.status() == 200) {
            deliver(leg, rep);          // the body, if any, is the tunnel itself (or the legacy seed)
            return;
        }
        pendingReply = rep;
        pendingLeg = leg;
        if (pendingBody != null) {
            pendingBody.release();
        }
        pendingBody = ctx.alloc().buffer(64);
    }

    private void deliver(Leg leg, HttpReply rep) {
        if (transcript != null) {
            List<String> what = new ArrayList<>();
            if (rep.status() == 101) {
                what.add("WebSocket upgrade accepted");
            }
            if (!rep.all("www-authenticate").isEmpty()) {
                what.add("WWW-Authenticate: " + schemesOnly(rep));
            }
            pdu(false, (leg == Leg.IN ? "IN: " : "") + "HTTP " + rep.status() + " " + rep.reason()
                    + (what.isEmpty() ? "" : " (" + String.join(", ", what) + ")"), responseBytes);
        }
        apply(seq.onHttpReply(leg, rep, now(), System.currentTimeMillis()));
    }

    private static String schemesOnly(HttpReply r) {
        List<String> s = new ArrayList<>();
        for (String v : r.all("www-authenticate")) {
            s.add(authName(v));
        }
        return String.join(", ", s);
    }

    /**
     * An Authorization or WWW-Authenticate value reduced to its scheme and, for NTLM (and Negotiate carrying raw
     * NTLM), the message type: {@code NTLM CHALLENGE}. Never the token, never Basic's credentials.
     */
    static String authName(String value) {
        String v = value.trim();
        int sp = v.indexOf(' ');
        if (sp < 0) {
            return v;
        }
        String scheme = v.substring(0, sp);
        if (scheme.equalsIgnoreCase("NTLM") || scheme.equalsIgnoreCase("Negotiate")) {
            try {
                byte[] tok = java.util.Base64.getDecoder().decode(v.substring(sp + 1).trim());
                if (io.rdpprobe.protocol.ntlm.NtlmMessages.isNtlm(tok)) {
                    int t = io.rdpprobe.protocol.ntlm.NtlmMessages.peekType(Unpooled.wrappedBuffer(tok));
                    return scheme + " " + (t == 1 ? "NEGOTIATE" : t == 2 ? "CHALLENGE" : t == 3 ? "AUTHENTICATE" : "message " + t);
                }
            } catch (IllegalArgumentException e) {
                // not base64: the scheme alone
            }
        }
        return scheme + " ...";
    }

    private void pdu(boolean sent, String name, int size) {
        if (transcript != null) {
            transcript.named(now(), sent, seq.stage().name(), Transcript.GATEWAY, name, size, null);
        }
    }

    private void onFrame(WebSocketFrame f) {
        if (f instanceof BinaryWebSocketFrame || f instanceof ContinuationWebSocketFrame) {
            feed(f.content());
        } else if (f instanceof PingWebSocketFrame p) {
            ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
        } else if (f instanceof CloseWebSocketFrame c) {
            note("WebSocket close frame " + c.statusCode() + " " + c.reasonText());
            ctx.close();
        }
    }

    private void rawBytes(ByteBuf b) {
        try {
            feed(b);
        } finally {
            b.release();
        }
    }

    /** Gateway bytes: frame RDG packets; DATA goes up to the driver, the rest to the sequence. */
    private void feed(ByteBuf b) {
        if (stream == null) {
            return;
        }
        stream.writeBytes(b);
        while (stream != null && stream.isReadable()) {
            int len;
            try {
                len = framer.next(stream);
                if (len == RdgHeader.NEED_MORE) {
                    break;
                }
                if (stream.getUnsignedShortLE(stream.readerIndex()) == RdgPacketType.DATA && open) {
                    ByteBuf payload = DataPacket.payload(stream);
                    ctx.fireChannelRead(ctx.alloc().buffer(payload.readableBytes()).writeBytes(payload));
                    continue;
                }
                RdgPacket p = RdgPacket.decode(stream);
                pdu(false, "RDG " + RdgPacketType.name(p.packetType()), p.encodedLength());
                apply(seq.onPacket(p, now()));
            } catch (DecodeException e) {
                stream.clear();
                apply(seq.onMalformed(e, now()));
                return;
            }
        }
        if (stream != null) {
            stream.discardSomeReadBytes();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        onInactive(Leg.OUT);
        ctx.fireChannelInactive();
    }

    private void onInactive(Leg leg) {
        if (stopped) {
            return;
        }
        if (open) {
            if (leg == Leg.IN) {
                ctx.close();
            }
            return;
        }
        if (seq.isDone()) {
            return;
        }
        if (seq.awaitingTls(leg)) {
            BcTlsHandler t = leg == Leg.OUT ? outTls : inTls;
            if (t != null && !t.isDone()) {
                apply(seq.onTls(leg, t.outcome(!resetSeen, resetSeen, false), now(), Instant.now()));
                return;
            }
        }
        apply(seq.onClosed(leg, resetSeen, now()));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (root instanceof IOException && String.valueOf(root.getMessage()).toLowerCase().contains("reset")) {
            resetSeen = true;
        }
        ctx.fireExceptionCaught(cause);
    }

    // ---- outbound: the driver's bytes become DATA packets -------------------------------------------------

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf b) || !open) {
            ctx.write(msg, promise);
            return;
        }
        try {
            while (b.isReadable()) {
                int n = Math.min(b.readableBytes(), DataPacket.MAX_DATA);
                ByteBuf pkt = ctx.alloc().buffer(DataPacket.OVERHEAD + n);
                DataPacket.writeHeader(pkt, n);
                pkt.writeBytes(b, n);
                boolean last = !b.isReadable();
                sendRaw(pkt, last ? promise : ctx.voidPromise(), false);
            }
        } finally {
            b.release();
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (in != null && inChunked) {
            in.flush();
        }
        ctx.flush();
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        cancelDeadline();
        if (in != null) {
            in.close();
        }
        ctx.close(promise);
    }

    private void sendRaw(ByteBuf pkt, ChannelPromise promise, boolean flush) {
        if (seq.usesWebSocket()) {
            BinaryWebSocketFrame f = new BinaryWebSocketFrame(pkt);
            if (flush) {
                ctx.writeAndFlush(f, promise);
            } else {
                ctx.write(f, promise);
            }
        } else if (in != null && inChunked) {
            ChannelFuture f = flush ? in.writeAndFlush(new DefaultHttpContent(pkt)) : in.write(new DefaultHttpContent(pkt));
            if (!promise.isVoid()) {
                f.addListener(x -> {
                    if (x.isSuccess()) {
                        promise.trySuccess();
                    } else {
                        promise.tryFailure(x.cause());
                    }
                });
            }
        } else {
            pkt.release();
            promise.tryFailure(new IOException("no gateway channel to send on"));
        }
    }

    // ---- commands ------------------------------------------------------------------------------------------

    private void apply(GatewaySequence.Step step) {
        boolean failed = false;
        for (StageResult r : step.results()) {
            connector.externalStage(r);
            failed |= r.status() == io.rdpprobe.probe.model.Status.FAILED;
            note(r.stage() + " " + r.status() + (r.cause() == null ? "" : " " + r.cause().code()));
        }
        if (connector.isDone() && !failed && !stopped) {
            // --stop-after this gateway stage: end here, nothing more to the gateway
            stopped = true;
            note("closing: --stop-after " + connector.stage());
            cancelDeadline();
            if (in != null) {
                in.close();
            }
            ctx.close();
            return;
        }
        for (GatewaySequence.Command c : step.commands()) {
            if (c instanceof GatewaySequence.SendHttp h) {
                sendHttp(h);
            } else if (c instanceof GatewaySequence.StartChunkedIn s) {
                DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf("RDG_IN_DATA"),
                        GatewaySettings.PATH);
                s.headers().forEach(p -> req.headers().add(p[0], p[1]));
                req.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
                inChunked = true;
                in.writeAndFlush(req);
                note("IN: RDG_IN_DATA, chunked body follows");
            } else if (c instanceof GatewaySequence.UpgradeToWebSocket) {
                ChannelHandlerContext codec = ctx.pipeline().context(HTTP);
                ctx.pipeline().addAfter(HTTP, "gw-ws-decoder", new WebSocket13FrameDecoder(false, true, 1 << 20));
                ctx.pipeline().addAfter(HTTP, "gw-ws-encoder", new WebSocket13FrameEncoder(true));
                if (codec != null) {
                    ctx.pipeline().remove(HTTP);
                }
                note("WebSocket established");
            } else if (c instanceof GatewaySequence.RawOut r) {
                rawOut = true;
                framer.expectSeed(r.seed(), r.search());
                if (ctx.pipeline().get(HTTP) != null) {
                    ctx.pipeline().remove(HTTP);
                }
            } else if (c instanceof GatewaySequence.OpenIn) {
                openIn();
            } else if (c instanceof GatewaySequence.Send s) {
                ByteBuf b = ctx.alloc().buffer(s.packet().encodedLength());
                s.packet().encode(b);
                pdu(true, "RDG " + RdgPacketType.name(s.packet().packetType()), s.packet().encodedLength());
                sendRaw(b, ctx.voidPromise(), true);
            } else if (c instanceof GatewaySequence.TunnelOpen) {
                open = true;
                cancelDeadline();
                ctx.fireChannelActive();
            } else if (c instanceof GatewaySequence.Close cl) {
                note("closing: " + cl.why());
                cancelDeadline();
                if (in != null) {
                    in.close();
                }
                ctx.close();
            }
        }
        if (!open && !seq.isDone()) {
            reschedule();
        }
    }

    private void sendHttp(GatewaySequence.SendHttp h) {
        DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(h.method()),
                h.path(), Unpooled.EMPTY_BUFFER);
        HttpHeaders hh = req.headers();
        h.headers().forEach(p -> hh.add(p[0], p[1]));
        hh.set(HttpHeaderNames.CONTENT_LENGTH, 0);
        if (transcript != null) {
            int size = h.method().length() + h.path().length() + 12; // "M P HTTP/1.1\r\n"
            for (Map.Entry<String, String> e : hh) {
                size += e.getKey().length() + e.getValue().length() + 4;
            }
            size += 2;
            List<String> what = new ArrayList<>();
            if (hh.contains(HttpHeaderNames.UPGRADE)) {
                what.add("WebSocket upgrade");
            }
            if (hh.contains(HttpHeaderNames.AUTHORIZATION)) {
                what.add("Authorization: " + authName(hh.get(HttpHeaderNames.AUTHORIZATION)));
            }
            if (hh.contains("RDG-Auth-Scheme")) {
                what.add("RDG-Auth-Scheme: " + hh.get("RDG-Auth-Scheme"));
            }
            pdu(true, (h.leg() == Leg.IN ? "IN: " : "") + "HTTP " + h.method() + " " + h.path()
                    + (what.isEmpty() ? "" : " (" + String.join(", ", what) + ")"), size);
        }
        if (h.leg() == Leg.OUT) {
            ctx.writeAndFlush(req);
        } else if (in != null) {
            in.writeAndFlush(req);
        } else {
            req.release();
        }
    }

    /** The RDG_IN_DATA connection is a new connection: it waits for the rate limit's slot (never blocking the loop). */
    private void openIn() {
        long wait;
        try {
            wait = connectGate == null ? 0 : connectGate.getAsLong();
        } catch (RuntimeException stopping) {
            ctx.channel().close(); // the scan is stopping: no new connection
            return;
        }
        if (wait <= 0) {
            connectIn();
            return;
        }
        note("IN: waiting " + (wait + 999_999) / 1_000_000 + " ms for the scan's --rate slot");
        ctx.executor().schedule(() -> {
            if (ctx.channel().isActive() && !seq.isDone()) {
                connectIn();
            }
        }, wait, java.util.concurrent.TimeUnit.NANOSECONDS);
    }

    private void connectIn() {
        SocketAddress remote = ctx.channel().remoteAddress();
        GatewayHandler outer = this;
        Bootstrap b = new Bootstrap().group(ctx.channel().eventLoop()).channel(ctx.channel().getClass())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        for (Supplier<ChannelHandler> tap : wireTaps) {
                            ch.pipeline().addLast(tap.get());
                        }
                        ch.pipeline().addLast(HTTP, newHttpCodec());
                        ch.pipeline().addLast("gw-in", outer.new InLeg());
                    }
                });
        note("IN: opening the RDG_IN_DATA connection");
        ChannelFuture f = b.connect(remote);
        in = f.channel();
        f.addListener(x -> {
            if (!x.isSuccess() && !seq.isDone()) {
                apply(seq.onClosed(Leg.IN, true, now()));
            }
        });
    }

    /** The RDG_IN_DATA connection's events, on the same event loop, handed to the same sequence. */
    private final class InLeg extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext c) {
            inTls = new BcTlsHandler(TlsLayer.GATEWAY, settings.tls().versions(), sni(), keyLog);
            if (transcript != null) {
                inTls.tap((sent, raw) -> transcript.tls(now(), sent, seq.stage().name(), Transcript.GATEWAY, "in", raw));
            }
            c.pipeline().addBefore(HTTP, "gw-in-tls", inTls);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext c, Object evt) {
            if (evt instanceof BcTlsHandler.Done d) {
                apply(seq.onTls(Leg.IN, d.outcome(), now(), Instant.now()));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext c, Object msg) {
            onRead(Leg.IN, msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext c) {
            onInactive(Leg.IN);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
            if (String.valueOf(cause.getMessage()).toLowerCase().contains("reset")) {
                resetSeen = true;
            }
            c.close();
        }
    }

    // ---- deadlines ------------------------------------------------------------------------------------------

    private void reschedule() {
        long d = seq.deadlineNanos();
        if (d == scheduled) {
            return;
        }
        cancelDeadline();
        scheduled = d;
        if (d == Long.MAX_VALUE) {
            return;
        }
        deadlineTask = ctx.executor().schedule(this::onDeadline, Math.max(0, d - now()), TimeUnit.NANOSECONDS);
    }

    private void onDeadline() {
        scheduled = Long.MAX_VALUE;
        if (seq.isDone() || open) {
            return;
        }
        if (seq.awaitingTls(Leg.OUT) && outTls != null && !outTls.isDone()) {
            apply(seq.onTls(Leg.OUT, outTls.outcome(false, false, true), now(), Instant.now()));
        } else if (seq.awaitingTls(Leg.IN) && inTls != null && !inTls.isDone()) {
            apply(seq.onTls(Leg.IN, inTls.outcome(false, false, true), now(), Instant.now()));
        } else {
            apply(seq.onDeadline(now(), stream == null ? 0 : stream.readableBytes()));
        }
    }

    private void cancelDeadline() {
        if (deadlineTask != null) {
            deadlineTask.cancel(false);
            deadlineTask = null;
        }
        scheduled = Long.MAX_VALUE;
    }

    private void note(String text) {
        if (transcript != null) {
            transcript.event(now(), seq.stage().name(), text);
        }
    }
}
