package io.rdpprobe.demo.gateway;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.ReferenceCountUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.ExtendedAuth;
import io.rdpprobe.protocol.rdg.HandshakeRequest;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.Keepalive;
import io.rdpprobe.protocol.rdg.RdgHeader;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuth;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelCreate;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One RDG tunnel (MS-TSGU 3.3.5.2, server role): the packet sequence HANDSHAKE -> TUNNEL_CREATE -> TUNNEL_AUTH
 * -> CHANNEL_CREATE -> DATA, the connection to the target, and the copying both ways. Packets from the client
 * arrive as bytes ({@link #onClientBytes}; WebSocket frames or the IN channel's chunked body, reassembled
 * here); packets to the client go out on one channel (the WebSocket connection, or the legacy OUT channel).
 * Runs on the gateway's single event loop. Any end closes everything: client channels and target socket.
 */
final class RdgTunnel {
    /** The largest packet accepted from a client: a DATA packet of 65535 bytes plus headers, with margin. */
    static final int MAX_PACKET = 0x10000 + 64;

    private enum State { HANDSHAKE, TUNNEL_CREATE, TUNNEL_AUTH, CHANNEL_CREATE, CONNECTING, DATA, CLOSING, MUTE, CLOSED }

    /** How long the gateway waits for CLOSE_CHANNEL_RESPONSE after its own CLOSE_CHANNEL. */
    static final long CLOSE_RESPONSE_WAIT_MS = 5000;

    private final DemoGateway gateway;
    private final GatewayConfig config;
    private final Channel out;
    private final boolean websocket;
    private final List<Channel> clientChannels = new ArrayList<>();
    private final String label;
    private final boolean paa;
    private String user;
    private ByteBuf acc;
    private State state = State.HANDSHAKE;
    private boolean counted;
    private Channel target;
    private long tunnelId;

    /**
     * @param user the HTTP-authenticated user, or null for a PAA connection (the cookie names the user)
     */
    RdgTunnel(DemoGateway gateway, Channel out, boolean websocket, String user, boolean paa, String label) {
        this.gateway = gateway;
        this.config = gateway.config();
        this.out = out;
        this.websocket = websocket;
        this.user = user;
        this.paa = paa;
        this.label = label;
        addClientChannel(out);
    }

    /** A channel whose end ends the tunnel (the legacy IN channel). */
    void addClientChannel(Channel ch) {
        clientChannels.add(ch);
        ch.closeFuture().addListener(f -> close("client connection closed"));
    }

    boolean closed() {
        return state == State.CLOSED;
    }

    /** Bytes of the client's packet stream; not retained. */
    void onClientBytes(ByteBuf in) {
        if (state == State.CLOSED || state == State.MUTE || !in.isReadable()) {
            return;
        }
        if (acc == null) {
            acc = out.alloc().heapBuffer(Math.max(256, in.readableBytes()));
        }
        acc.writeBytes(in);
        boolean wroteTarget = false;
        try {
            while (state != State.CLOSED && state != State.MUTE) {
                int len = RdgHeader.frameLength(acc, MAX_PACKET);
                if (len < 0 || acc.readableBytes() < len) {
                    break;
                }
                ByteBuf packet = acc.readSlice(len);
                wroteTarget |= onPacket(packet);
            }
        } catch (DecodeException e) {
            log("malformed packet: " + e.getMessage());
            close("malformed packet");
            return;
        } finally {
            if (wroteTarget && target != null) {
                target.flush();
                if (!target.isWritable()) {
                    setClientAutoRead(false);
                }
            }
        }
        if (acc != null) {
            acc.discardSomeReadBytes();
        }
    }

    /** @return whether bytes were written to the target */
    private boolean onPacket(ByteBuf packet) {
        int type = packet.getUnsignedShortLE(packet.readerIndex());
        if (state == State.DATA && type == RdgPacketType.DATA) {
            ByteBuf data = DataPacket.payload(packet);
            target.write(data.copy());
            return true;
        }
        RdgPacket p = RdgPacket.decode(packet);
        log("< " + p);
        if (p instanceof Keepalive && state != State.HANDSHAKE) {
            return false; // MS-TSGU 3.3.5.2: keep-alives only keep the connection open
        }
        switch (state) {
            case HANDSHAKE -> {
                if (p instanceof HandshakeRequest h) {
                    onHandshake(h);
                    return false;
                }
            }
            case TUNNEL_CREATE -> {
                if (p instanceof TunnelCreate t) {
                    onTunnelCreate(t);
                    return false;
                }
            }
            case TUNNEL_AUTH -> {
                if (p instanceof TunnelAuth a) {
                    onTunnelAuth(a);
                    return false;
                }
            }
            case CHANNEL_CREATE -> {
                if (p instanceof ChannelCreate c) {
                    onChannelCreate(c);
                    return false;
                }
            }
            case DATA -> {
                if (p instanceof CloseChannel c && !c.response()) {
                    // 3.3.5.5: the client ends the channel; answer and tear down
                    sendThenClose(new CloseChannel(true, 0), "client CLOSE_CHANNEL");
                    return false;
                }
            }
            case CLOSING -> {
                if (p instanceof CloseChannel c) {
                    // our CLOSE_CHANNEL answered (or both sides closed at once: the client's takes precedence)
                    if (!c.response()) {
                        send(new CloseChannel(true, 0));
                    }
                    closeAfterFlush("channel closed");
                    return false;
                }
                return false; // DATA still in flight from the client: the target is gone
            }
            default -> { }
        }
        // a packet out of sequence: Windows drops the connection without an answer
        close("unexpected " + RdgPacketType.name(p.packetType()) + " in state " + state);
        return false;
    }

    private void onHandshake(HandshakeRequest h) {
        GatewayFault fault = config.fault();
        if (fault == GatewayFault.TRUNCATED_PACKET || fault == GatewayFault.OVERSIZED_PACKET) {
            ByteBuf b = out.alloc().buffer(HandshakeResponse.LENGTH);
            new HandshakeResponse(0, 1, 0, 0, ExtendedAuth.NONE).encode(b);
            if (fault == GatewayFault.TRUNCATED_PACKET) {
                b.writerIndex(10);
            } else {
                b.setIntLE(4, 0x7fffffff);
            }
            log("> HANDSHAKE_RESPONSE (" + fault + ")");
            sendRaw(b);
            state = State.MUTE;
            return;
        }
        if (h.versionMajor() != 1) {
            sendThenClose(new HandshakeResponse(RdgStatus.E_PROXY_NOTSUPPORTED.value(), 1, 0, 0, ExtendedAuth.NONE),
                    "unsupported version " + h.versionMajor() + "." + h.versionMinor());
            return;
        }
        int agreed = ExtendedAuth.NONE;
        if (paa) {
            if ((h.extendedAuth() & ExtendedAuth.PAA) == 0) {
                sendThenClose(new HandshakeResponse(RdgStatus.E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD.value(), 1, 0, 0,
                        ExtendedAuth.NONE), "PAA transport without PAA in the handshake");
                return;
            }
            agreed = ExtendedAuth.PAA;
        }
        send(new HandshakeResponse(0, 1, 0, 0, agreed));
        state = State.TUNNEL_CREATE;
    }

    private void onTunnelCreate(TunnelCreate t) {
        if (config.fault() == GatewayFault.MAX_CONNECTIONS || !gateway.openTunnel()) {
            sendThenClose(TunnelResponse.of(RdgStatus.E_PROXY_MAXCONNECTIONSREACHED.value(), null, null, null),
                    "max connections");
            return;
        }
        counted = true;
        if (paa) {
            String u = t.paaCookie() == null ? null : config.paaTokens().get(cookieText(t.paaCookie().bytes()));
            if (u == null) {
                sendThenClose(TunnelResponse.of(RdgStatus.E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED.value(), null, null,
                        null), t.paaCookie() == null ? "no PAA cookie" : "PAA cookie not accepted");
                return;
            }
            user = u;
        }
        tunnelId = gateway.nextId();
        long caps = t.capsFlags() & GatewayConfig.SERVER_CAPS;
        send(TunnelResponse.of(0, tunnelId, caps, config.consentMessage()));
        if (config.fault() == GatewayFault.CLOSE_AFTER_TUNNEL_RESPONSE) {
            closeAfterFlush("fault CLOSE_AFTER_TUNNEL_RESPONSE");
            return;
        }
        state = State.TUNNEL_AUTH;
    }

    /** The PAA cookie as FreeRDP and Windows send it: UTF-16LE with a terminating NUL. */
    private static String cookieText(byte[] b) {
        String s = new String(b, StandardCharsets.UTF_16LE);
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    private void onTunnelAuth(TunnelAuth a) {
        if (config.fault() == GatewayFault.CAP_DENIED || !config.capAllows(user)) {
            sendThenClose(TunnelAuthResponse.of(RdgStatus.E_PROXY_NAP_ACCESSDENIED.value(), null, null),
                    "RD CAP denies " + user);
            return;
        }
        send(TunnelAuthResponse.of(0, config.redirectionFlags(), config.idleTimeoutMinutes()));
        state = State.CHANNEL_CREATE;
    }

    private void onChannelCreate(ChannelCreate c) {
        if (config.fault() == GatewayFault.SERVICE_MESSAGE) {
            send(new ServiceMessage(config.serviceMessage()));
        }
        String name = null;
        if (config.fault() != GatewayFault.RAP_DENIED) {
            List<String> all = new ArrayList<>(c.resources());
            all.addAll(c.altResources());
            for (String r : all) {
                if (config.rapAllows(r, c.port())) {
                    name = r;
                    break;
                }
            }
        }
        if (name == null) {
            sendThenClose(ChannelResponse.of(RdgStatus.E_PROXY_RAP_ACCESSDENIED.value(), null),
                    "RD RAP denies " + c.resources() + ":" + c.port());
            return;
        }
        if (c.protocol() != ChannelCreate.PROTOCOL_RDP) {
            sendThenClose(ChannelResponse.of(RdgStatus.E_PROXY_NOTSUPPORTED.value(), null), "protocol " + c.protocol());
            return;
        }
        InetSocketAddress addr;
        try {
            addr = config.resolver().resolve(name, c.port());
        } catch (RuntimeException e) {
            addr = null;
        }
        if (addr == null || addr.isUnresolved()) {
            sendThenClose(ChannelResponse.of(RdgStatus.E_PROXY_TS_CONNECTFAILED.value(), null), "cannot resolve " + name);
            return;
        }
        state = State.CONNECTING;
        String what = name + ":" + c.port() + " -> " + addr;
        new Bootstrap().group(out.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis())
                .option(ChannelOption.AUTO_READ, false)
                .handler(new TargetHandler())
                .connect(addr).addListener((ChannelFutureListener) f -> {
                    if (state == State.CLOSED) {
                        f.channel().close();
                        return;
                    }
                    if (!f.isSuccess()) {
                        sendThenClose(ChannelResponse.of(RdgStatus.E_PROXY_TS_CONNECTFAILED.value(), null),
                                "connect " + what + " failed: " + f.cause());
                        return;
                    }
                    target = f.channel();
                    gateway.track(target);
                    target.closeFuture().addListener(x -> onTargetClosed());
                    log("connected " + what);
                    send(ChannelResponse.of(0, gateway.nextId()));
                    state = State.DATA;
                    target.config().setAutoRead(true);
                });
    }

    /**
     * MS-TSGU 3.3.5.5: the server closes the channel with CLOSE_CHANNEL, the client answers with
     * CLOSE_CHANNEL_RESPONSE, then the tunnel (the HTTP connections) closes; without an answer, after
     * {@link #CLOSE_RESPONSE_WAIT_MS}.
     */
    private void onTargetClosed() {
        if (state != State.DATA) {
            closeAfterFlush("target closed");
            return;
        }
        state = State.CLOSING;
        send(new CloseChannel(false, 0));
        out.eventLoop().schedule(() -> close("no CLOSE_CHANNEL_RESPONSE"), CLOSE_RESPONSE_WAIT_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Called when the OUT (or WebSocket) channel's writability changes: pause the target while it is full. */
    void outWritabilityChanged() {
        if (target != null) {
            target.config().setAutoRead(out.isWritable());
        }
    }

    private void setClientAutoRead(boolean on) {
        for (Channel ch : clientChannels) {
            if (ch != out || websocket) {
                ch.config().setAutoRead(on);
            }
        }
    }

    private void send(RdgPacket p) {
        log("> " + p);
        ByteBuf b = out.alloc().buffer(p.encodedLength());
        p.encode(b);
        sendRaw(b);
    }

    private void sendRaw(ByteBuf b) {
        out.writeAndFlush(websocket ? new BinaryWebSocketFrame(b) : b);
    }

    private void sendThenClose(RdgPacket p, String why) {
        send(p);
        closeAfterFlush(why);
    }

    /** Flushes what was written to the client, then closes everything. */
    private void closeAfterFlush(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.MUTE;
        Object last = websocket ? new CloseWebSocketFrame(1000, null) : io.netty.buffer.Unpooled.EMPTY_BUFFER;
        out.writeAndFlush(last).addListener(f -> close(why));
    }

    void close(String why) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        log("closed: " + why);
        if (counted) {
            gateway.closeTunnel();
        }
        if (acc != null) {
            acc.release();
            acc = null;
        }
        for (Channel ch : clientChannels) {
            ch.close();
        }
        if (target != null) {
            target.close();
        }
        gateway.tunnelClosed(this);
    }

    private void log(String s) {
        gateway.log(label + (tunnelId == 0 ? "" : " tunnel " + tunnelId) + " " + s);
    }

    /** The target connection: its bytes go to the client in DATA packets of at most 65535 bytes. */
    private final class TargetHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof ByteBuf in) || state != State.DATA) {
                    return;
                }
                while (in.isReadable()) {
                    int n = Math.min(in.readableBytes(), DataPacket.MAX_DATA);
                    ByteBuf b = out.alloc().buffer(DataPacket.OVERHEAD + n);
                    DataPacket.writeHeader(b, n);
                    b.writeBytes(in, n);
                    out.write(websocket ? new BinaryWebSocketFrame(b) : b);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            out.flush();
            if (!out.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            setClientAutoRead(ctx.channel().isWritable());
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
