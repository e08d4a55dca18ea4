package io.rdpprobe.demo;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.Protocols;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An in-process RDP endpoint on 127.0.0.1 for the demo and for faults that real servers do not produce.
 * With {@link Fault#NONE} it answers the X.224 Connection Request as MS-RDPBCGR 3.3.5.3.1 prescribes for
 * its configured protocols.
 */
public final class DemoServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel server;
    private final Negotiator negotiator;
    private final Fault fault;
    private final DemoCertificate certificate;
    private final SslContext sslContext;

    private DemoServer(Negotiator negotiator, Fault fault, DemoCertificate certificate, String... tlsProtocols)
            throws InterruptedException {
        this.negotiator = negotiator;
        this.fault = fault;
        this.certificate = certificate;
        try {
            SslContextBuilder scb = SslContextBuilder.forServer(certificate.keyPair().getPrivate(), certificate.certificate())
                    .sslProvider(SslProvider.JDK);
            if (tlsProtocols.length > 0) {
                scb.protocols(tlsProtocols);
                if (java.util.Arrays.asList(tlsProtocols).contains("TLSv1") || java.util.Arrays.asList(tlsProtocols).contains("TLSv1.1")) {
                    scb.ciphers(java.util.List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"));
                }
            }
            this.sslContext = scb.build();
        } catch (javax.net.ssl.SSLException e) {
            throw new IllegalStateException(e);
        }
        this.group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Session());
                    }
                });
        this.server = b.bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    /** A demo target allowing Standard RDP Security and TLS (NLA arrives with the CredSSP stage). */
    public static DemoServer start(Fault fault) throws InterruptedException {
        return new DemoServer(new Negotiator(Protocols.SSL, true), fault, DemoCertificate.demo());
    }

    public static DemoServer start(Negotiator negotiator, Fault fault) throws InterruptedException {
        return new DemoServer(negotiator, fault, DemoCertificate.demo());
    }

    /**
     * A TLS demo target with a given certificate, restricted to the given JSSE protocol names ("TLSv1.3",
     * "TLSv1" ...; none = the JDK's defaults).
     */
    public static DemoServer startTls(DemoCertificate cert, String... tlsProtocols) throws InterruptedException {
        return new DemoServer(new Negotiator(Protocols.SSL, true), Fault.NONE, cert, tlsProtocols);
    }

    public DemoCertificate certificate() {
        return certificate;
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public Fault fault() {
        return fault;
    }

    public Negotiator negotiator() {
        return negotiator;
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    private final class Session extends ChannelInboundHandlerAdapter {
        private ByteBuf acc;
        private boolean answered;
        private boolean tlsFault;
        private boolean clientHelloSeen;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            acc = ctx.alloc().buffer(64);
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            acc.release();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (tlsFault && msg instanceof ByteBuf hello && !clientHelloSeen) {
                    clientHelloSeen = true;
                    tlsFaultResponse(ctx);
                    return;
                }
                if (answered || !(msg instanceof ByteBuf in)) {
                    return;
                }
                acc.writeBytes(in);
                int len;
                try {
                    len = TpktHeader.frameLength(acc);
                } catch (DecodeException e) {
                    ctx.close();
                    return;
                }
                if (len == FrameProbe.NEED_MORE || acc.readableBytes() < len) {
                    return;
                }
                ConnectionRequest cr;
                try {
                    cr = ConnectionRequest.decode(acc.readSlice(len));
                } catch (DecodeException e) {
                    ctx.close(); // a real server drops a connection whose CR it cannot parse
                    return;
                }
                answered = true;
                respond(ctx, cr);
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void respond(ChannelHandlerContext ctx, ConnectionRequest cr) {
            switch (fault) {
                case NONE -> {
                    ByteBuf out = ctx.alloc().buffer();
                    var cc = negotiator.answer(cr);
                    cc.encode(out);
                    ctx.writeAndFlush(out);
                    if (cc.negotiation() instanceof io.rdpprobe.protocol.x224.NegotiationResponse rsp
                            && Protocols.usesTls(rsp.selectedProtocol())) {
                        ctx.pipeline().addFirst("tls", sslContext.newHandler(ctx.alloc()));
                    }
                }
                case TLS_SILENT, TLS_PARTIAL, TLS_NOT_TLS, TLS_CLOSE -> {
                    ByteBuf out = ctx.alloc().buffer();
                    new io.rdpprobe.protocol.x224.ConnectionConfirm(0, 0x1234, 0,
                            new io.rdpprobe.protocol.x224.NegotiationResponse(1, Protocols.SSL)).encode(out);
                    ctx.writeAndFlush(out);
                    answered = false;
                    tlsFault = true;
                }
                case SILENT -> { }
                case GARBAGE -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {
                        (byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0x13, 0x37, 0x00, (byte) 0xff, 0x41, 0x42}));
                case HTTP -> ctx.writeAndFlush(Unpooled.copiedBuffer(
                        "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", StandardCharsets.US_ASCII));
                case CLOSE -> ctx.close();
                case RESET -> {
                    ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                    ctx.close();
                }
                case HOSTILE_LENGTH -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {
                        0x03, 0x00, (byte) 0xff, (byte) 0xff, 0x0e, (byte) 0xd0, 0x00}));
                case TRUNCATED -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {
                        0x03, 0x00, 0x00, 0x13, 0x0e, (byte) 0xd0, 0x00}));
                case BAD_X224 -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {
                        0x03, 0x00, 0x00, 0x0b, 0x40, (byte) 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00}))
                        .addListener(ChannelFutureListener.CLOSE);
            }
        }

        private void tlsFaultResponse(ChannelHandlerContext ctx) {
            switch (fault) {
                case TLS_PARTIAL -> {
                    ByteBuf b = ctx.alloc().buffer();
                    b.writeByte(0x16).writeShort(0x0303).writeShort(4000); // handshake record of 4000 bytes
                    b.writeByte(0x02).writeMedium(3996);                  // ServerHello header
                    b.writeZero(200 - 9);
                    ctx.writeAndFlush(b);
                }
                case TLS_NOT_TLS -> ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {
                        0x03, 0x00, 0x00, 0x09, 0x02, (byte) 0xf0, (byte) 0x80, 0x21, (byte) 0x80}));
                case TLS_CLOSE -> ctx.close();
                default -> { }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
