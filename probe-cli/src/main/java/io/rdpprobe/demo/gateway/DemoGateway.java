package io.rdpprobe.demo.gateway;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An embedded RD Gateway (MS-TSGU HTTP transport, server role) on 127.0.0.1, for the demo, the probe's tests and
 * xfreerdp interop:
 *
 * <pre>
 * TLS (JDK, {@link io.rdpprobe.demo.DemoCertificate})
 *  -> HTTP/1.1 on /remoteDesktopGateway/: RDG_OUT_DATA and RDG_IN_DATA, 401 with NTLM/Negotiate/Basic, or PAA
 *     (RDG-Auth-Scheme: PAA) without HTTP authentication
 *  -> WebSocket: RDG_OUT_DATA + Upgrade -> 101, RDG packets in binary frames (Netty's frame codec)
 *     legacy:    RDG_OUT_DATA -> 200 + 10-byte seed, then packets; RDG_IN_DATA (same RDG-Connection-Id) -> 200,
 *                then the client's packets in a chunked request body
 *  -> RDG: HANDSHAKE, TUNNEL_CREATE (PAA cookie, max connections), TUNNEL_AUTH (RD CAP), CHANNEL_CREATE (RD RAP,
 *     connect to the target), DATA both ways, CLOSE_CHANNEL ({@link RdgTunnel})
 * </pre>
 *
 * <p>All connections run on one event loop thread. {@link #close()} closes every connection.
 */
public final class DemoGateway implements AutoCloseable {
    private final GatewayConfig config;
    private final EventLoopGroup group;
    private final Channel server;
    private final SslContext ssl;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final Map<String, RdgTunnel> legacyByConnectionId = new HashMap<>();
    private final AtomicInteger openTunnels = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();
    private long ids = 0x1000;

    private DemoGateway(GatewayConfig config, int port) throws InterruptedException {
        this.config = config;
        try {
            this.ssl = SslContextBuilder.forServer(config.certificate().keyPair().getPrivate(),
                    config.certificate().certificate()).sslProvider(SslProvider.JDK).build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            this.server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            channels.add(ch);
                            init(ch);
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** Starts a gateway on 127.0.0.1:{@code port} (0 = an ephemeral port). */
    public static DemoGateway start(GatewayConfig config, int port) throws InterruptedException {
        return new DemoGateway(config, port);
    }

    private void init(SocketChannel ch) {
        String label = "conn " + connections.incrementAndGet();
        var p = ch.pipeline();
        if (config.fault() != GatewayFault.NOT_TLS) {
            p.addLast("tls", ssl.newHandler(ch.alloc()));
        }
        if (config.fault() == GatewayFault.SILENT) {
            p.addLast("sink", new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ReferenceCountUtil.release(msg); // TLS is up; HTTP never gets an answer
                }
            });
            return;
        }
        p.addLast(GatewayConnection.DECODER, new HttpRequestDecoder(4096, 32 * 1024, 64 * 1024));
        p.addLast(GatewayConnection.ENCODER, new HttpResponseEncoder());
        p.addLast("gateway", new GatewayConnection(this, label));
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public GatewayConfig config() {
        return config;
    }

    /** The SHA-256 fingerprint of the gateway certificate, lower-case hex (for --gateway-trust-cert). */
    public String certificateSha256() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(config.certificate().certificate().getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Tunnels between TUNNEL_CREATE and their end. */
    public int openTunnels() {
        return openTunnels.get();
    }

    /** Open TCP connections: HTTP channels and target sockets. */
    public int openConnections() {
        return channels.size();
    }

    boolean openTunnel() {
        if (openTunnels.get() >= config.maxConnections()) {
            return false;
        }
        openTunnels.incrementAndGet();
        return true;
    }

    void closeTunnel() {
        openTunnels.decrementAndGet();
    }

    long nextId() {
        return ++ids;
    }

    void track(Channel ch) {
        channels.add(ch);
    }

    void registerLegacy(String connectionId, RdgTunnel t) {
        legacyByConnectionId.put(connectionId, t);
    }

    RdgTunnel legacy(String connectionId) {
        return legacyByConnectionId.get(connectionId);
    }

    void tunnelClosed(RdgTunnel t) {
        legacyByConnectionId.values().removeIf(x -> x == t);
    }

    void log(String line) {
        if (config.log() != null) {
            config.log().accept(line);
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        channels.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
