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
import io.rdpprobe.protocol.tpkt.FrameProbe;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.Protocols;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.licensing.LicenseBinaryBlob;
import io.rdpprobe.protocol.licensing.LicenseErrorCode;
import io.rdpprobe.protocol.licensing.LicenseErrorMessage;
import io.rdpprobe.protocol.licensing.LicensePdu;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * An in-process RDP endpoint on 127.0.0.1 for the demo and for faults that real servers do not produce.
 * With {@link Fault#NONE} it behaves like a Windows host up to the Demand Active PDU:
 *
 * <pre>
 * X.224 CR       -> CC selecting per MS-RDPBCGR 3.3.5.3.1 ({@link Negotiator}), or RDP_NEG_FAILURE and close
 * TLS            -> JDK TLS with a generated self-signed certificate ({@link DemoCertificate})
 * CredSSP        -> NTLM with the built-in demo account ({@link DemoCredSspServer}; HYBRID and HYBRID_EX)
 * MCS ... Info   -> Connect Response, Attach User Confirm, Channel Join Confirms ({@link RdpServerSession})
 *                -> licensing STATUS_VALID_CLIENT, Demand Active ({@link ServerCapabilities})
 * </pre>
 *
 * <p>The built-in account {@value #DEMO_DOMAIN}\{@value #DEMO_USER} with password {@value #DEMO_PASSWORD} exists
 * only inside this demo endpoint, which listens on loopback only.
 */
public final class DemoServer implements AutoCloseable {
    /** The demo-only NLA account: user, domain and password (not a secret; the demo listens on loopback only). */
    public static final String DEMO_USER = "demo";
    public static final String DEMO_DOMAIN = "DEMO";
    public static final String DEMO_PASSWORD = "demo";
    /** The NetBIOS computer name the demo's NTLM CHALLENGE announces. */
    public static final String DEMO_COMPUTER = "RDP-PROBE-DEMO";

    /** What the connection handler expects next. */
    private enum Phase { X224, CREDSSP, RDP, DONE }

    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Channel server;
    private final List<Channel> extraServers = new ArrayList<>();
    private final Negotiator negotiator;
    private final Fault fault;
    private final DemoCertificate certificate;
    private final SslContext sslContext;
    private final List<byte[]> receivedClientInfo = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile DemoKerberosAcceptor kerberos;

    private DemoServer(Negotiator negotiator, Fault fault, DemoCertificate certificate, String... tlsProtocols)
            throws InterruptedException {
        this(0, negotiator, fault, certificate, tlsProtocols);
    }

    private DemoServer(int port, Negotiator negotiator, Fault fault, DemoCertificate certificate, String... tlsProtocols)
            throws InterruptedException {
        this(null, List.of(new InetSocketAddress("127.0.0.1", port)), negotiator, fault, certificate, tlsProtocols);
    }

    /**
     * @param sharedGroup an event loop group to serve on (not shut down by {@link #close}), or null for an own one
     * @param binds       the loopback addresses and ports to listen on (one server, many listening sockets)
     */
    private DemoServer(EventLoopGroup sharedGroup, List<InetSocketAddress> binds, Negotiator negotiator, Fault fault,
                       DemoCertificate certificate, String... tlsProtocols) throws InterruptedException {
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
        this.ownsGroup = sharedGroup == null;
        this.group = sharedGroup != null ? sharedGroup : new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new Session());
                    }
                });
        Channel first = null;
        try {
            for (InetSocketAddress a : binds) {
                Channel c = b.bind(a).sync().channel();
                if (first == null) {
                    first = c;
                } else {
                    extraServers.add(c);
                }
            }
            if (first == null) {
                throw new IllegalArgumentException("no address to listen on");
            }
        } catch (RuntimeException | InterruptedException e) {
            if (first != null) {
                first.close();
            }
            extraServers.forEach(Channel::close);
            if (ownsGroup) {
                group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
            throw e;
        }
        this.server = first;
    }

    /**
     * One endpoint listening on many loopback addresses and ports at once, on a shared event loop group (a fleet
     * scan's lab: thousands of targets in one process). {@link #close} closes the listeners, not the group.
     */
    public static DemoServer startOn(EventLoopGroup group, List<InetSocketAddress> binds, Negotiator negotiator, Fault fault,
                                     DemoCertificate certificate, String... tlsProtocols) throws InterruptedException {
        for (InetSocketAddress a : binds) {
            if (!a.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("the demo endpoint listens on loopback only, not " + a);
            }
        }
        return new DemoServer(group, binds, negotiator, fault, certificate, tlsProtocols);
    }

    /**
     * A demo target allowing Standard RDP Security, TLS, HYBRID and HYBRID_EX; with {@link Fault#NLA_REQUIRED}
     * only HYBRID and HYBRID_EX.
     */
    public static DemoServer start(Fault fault) throws InterruptedException {
        return new DemoServer(negotiatorFor(fault), fault, DemoCertificate.demo());
    }

    /** As {@link #start(Fault)}, on 127.0.0.1:{@code port} (0 = ephemeral), with the given certificate. */
    public static DemoServer start(Fault fault, int port, DemoCertificate certificate) throws InterruptedException {
        return new DemoServer(port, negotiatorFor(fault), fault, certificate);
    }

    /**
     * As {@link #start(Fault)}, listening on {@code bindAddress}:{@code port}: for the network-namespace path tests,
     * where the endpoint runs inside a namespace of its own and is reached over a veth pair.
     */
    public static DemoServer startOn(String bindAddress, int port, Fault fault) throws InterruptedException {
        return new DemoServer(null, List.of(new InetSocketAddress(bindAddress, port)), negotiatorFor(fault), fault,
                DemoCertificate.demo());
    }

    /** The protocols the demo target supports with {@code fault}. */
    public static Negotiator negotiatorFor(Fault fault) {
        int nla = Protocols.HYBRID | Protocols.HYBRID_EX;
        return fault == Fault.NLA_REQUIRED ? new Negotiator(nla, false) : new Negotiator(Protocols.SSL | nla, true);
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

    /**
     * Accept CredSSP with Kerberos (SPNEGO, Kerberos first) with the service keys of {@code acceptor}'s keytab; a client
     * that offers NTLM only still gets the demo account's NTLM. Null: NTLM only (the default).
     */
    public DemoServer withKerberos(DemoKerberosAcceptor acceptor) {
        this.kerberos = acceptor;
        return this;
    }

    public DemoCertificate certificate() {
        return certificate;
    }

    /** The SHA-256 fingerprint of the demo certificate, lower-case hex without separators (for --trust-cert). */
    public String certificateSha256() {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(certificate.certificate().getEncoded()));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The certificate's subjectPublicKey (RSAPublicKey DER): what CredSSP's pubKeyAuth binds to (MS-CSSP 3.1.5). */
    byte[] subjectPublicKey() {
        return SubjectPublicKeyInfo.getInstance(certificate.certificate().getPublicKey().getEncoded())
                .getPublicKeyData().getBytes();
    }

    /** The NLA acceptor for one connection: the demo account, CHALLENGE names of the demo host. */
    private DemoCredSspServer credSspServer(int selected) {
        DemoCredSspServer s = new DemoCredSspServer(subjectPublicKey(), System.currentTimeMillis());
        s.passwords = Map.of(DEMO_USER, DEMO_PASSWORD);
        s.domain = DEMO_DOMAIN;
        s.computerName = DEMO_COMPUTER;
        s.dnsDomainName = "demo.invalid";
        DemoKerberosAcceptor k = kerberos;
        if (k != null) {
            s.kerberos = k.newContext();
        }
        if (selected == Protocols.HYBRID_EX) {
            s.earlyAuth = EarlyUserAuthResult.AUTHZ_SUCCESS; // MS-RDPBCGR 5.4.2.2: sent after TSCredentials
        }
        return s;
    }

    /** The MCS-to-Demand-Active server for one connection, scripted for this server's fault. */
    private RdpServerSession rdpSession(int selected, int requested) {
        boolean standard = selected == Protocols.RDP;
        RdpServerSession s = new RdpServerSession(selected, standard ? EncryptionMethod.BIT_128 : EncryptionMethod.NONE);
        s.clientRequestedProtocols = requested;
        if (fault == Fault.USER_REJECTED) {
            s.connectResult = McsResult.USER_REJECTED;
        }
        s.afterClientInfo = srv -> afterClientInfo(srv);
        return s;
    }

    /** What the server sends once the Client Info PDU arrived (MS-RDPBCGR 1.3.1.1 steps 8-10). */
    private List<RdpServerSession.Out> afterClientInfo(RdpServerSession s) {
        receivedClientInfo.add(s.clientInfoBytes);
        List<RdpServerSession.Out> out = new ArrayList<>();
        switch (fault) {
            case DENY -> {
                // MS-RDPBCGR 2.2.5.1.1: Set Error Info (share data header, pduType2 0x2F), then the socket closes
                // without a Disconnect Provider Ultimatum: mstsc then shows 0x904 / extended 0x7
                out.add(new RdpServerSession.Out(0, SetErrorInfoPdu.encode(RdpServerSession.SHARE_ID,
                        ErrorInfo.SERVER_DENIED_CONNECTION)));
                out.add(null);
            }
            case LICENSE_ERROR -> {
                // MS-RDPBCGR 2.2.1.12.1.3: an error alert with ST_TOTAL_ABORT ends the connection
                out.add(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT, LicensePdu.errorAlert(new LicenseErrorMessage(
                        LicenseErrorCode.ERR_NO_LICENSE_SERVER, StateTransition.ST_TOTAL_ABORT,
                        new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0])))));
                out.add(null);
            }
            default -> {
                // MS-RDPBCGR 1.3.1.1 step 9: no licensing needed (STATUS_VALID_CLIENT), then Demand Active
                out.add(new RdpServerSession.Out(SecurityFlags.SEC_LICENSE_PKT,
                        LicensePdu.errorAlert(LicenseErrorMessage.validClient())));
                ClientCoreData core = s.clientData.core().orElse(null);
                int w = core == null ? 1024 : core.desktopWidth();
                int h = core == null ? 768 : core.desktopHeight();
                int bpp = core != null && core.earlyCapabilityFlags() != null
                        && (core.earlyCapabilityFlags() & ClientCoreData.WANT_32BPP_SESSION) != 0 ? 32
                        : core != null && core.highColorDepth() != null ? core.highColorDepth() : 16;
                out.add(new RdpServerSession.Out(0, ServerCapabilities.demandActive(w, h, bpp)));
            }
        }
        return out;
    }

    /** Every TS_INFO_PACKET this server received, as encoded by the client, in arrival order. */
    public List<byte[]> receivedClientInfo() {
        return List.copyOf(receivedClientInfo);
    }

    /** Every address and port this endpoint listens on (one for {@link #start}, many for {@link #startOn}). */
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> l = new ArrayList<>();
        l.add((InetSocketAddress) server.localAddress());
        extraServers.forEach(c -> l.add((InetSocketAddress) c.localAddress()));
        return l;
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
        for (Channel c : extraServers) {
            c.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }

    private final class Session extends ChannelInboundHandlerAdapter {
        private ByteBuf acc;
        private Phase phase = Phase.X224;
        private boolean tlsFault;
        private boolean clientHelloSeen;
        private int requestedProtocols;
        private DemoCredSspServer credssp;
        private RdpServerSession rdp;

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
                if (tlsFault && msg instanceof ByteBuf && !clientHelloSeen) {
                    clientHelloSeen = true;
                    tlsFaultResponse(ctx);
                    return;
                }
                if (phase == Phase.DONE || !(msg instanceof ByteBuf in)) {
                    return;
                }
                acc.writeBytes(in);
                try {
                    process(ctx);
                } catch (RuntimeException e) {
                    // a frame the demo cannot parse, or a client that breaks the sequence: a real server drops it
                    phase = Phase.DONE;
                    ctx.close();
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        /** Handles every complete frame in {@code acc} for the current phase. */
        private void process(ChannelHandlerContext ctx) {
            while (phase != Phase.DONE && acc.isReadable()) {
                int len = switch (phase) {
                    case X224 -> TpktHeader.frameLength(acc);
                    case CREDSSP -> TsRequest.frameLength(acc);
                    default -> FrameProbe.frameLength(acc);
                };
                if (len < 0 || acc.readableBytes() < len) {
                    return;
                }
                byte[] frame = new byte[len];
                acc.readBytes(frame);
                switch (phase) {
                    case X224 -> {
                        ConnectionRequest cr = ConnectionRequest.decode(Unpooled.wrappedBuffer(frame));
                        phase = Phase.DONE;
                        respond(ctx, cr);
                    }
                    case CREDSSP -> onCredSsp(ctx, frame);
                    case RDP -> onRdp(ctx, frame);
                    default -> { }
                }
            }
            acc.discardReadBytes();
        }

        private void onCredSsp(ChannelHandlerContext ctx, byte[] frame) {
            DemoCredSspServer.Reply r = credssp.onMessage(frame);
            if (r.close()) {
                phase = Phase.DONE;
                ctx.close();
                return;
            }
            if (r.bytes() != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(r.bytes()));
            }
            if (credssp.isComplete()) {
                phase = Phase.RDP; // MS-RDPBCGR 1.3.1.1: the connection sequence continues with MCS
            }
        }

        private void onRdp(ChannelHandlerContext ctx, byte[] frame) {
            for (byte[] out : rdp.respond(frame)) {
                if (out == RdpServerSession.CLOSE) {
                    phase = Phase.DONE;
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                ctx.write(Unpooled.wrappedBuffer(out));
            }
            ctx.flush();
        }

        /** After the Connection Confirm: what follows the X.224 exchange for the selected protocol. */
        private void afterConfirm(ChannelHandlerContext ctx, int selected) {
            rdp = rdpSession(selected, requestedProtocols);
            if (Protocols.usesCredSsp(selected)) {
                credssp = credSspServer(selected);
                phase = Phase.CREDSSP;
            } else {
                phase = Phase.RDP;
            }
            if (Protocols.usesTls(selected)) {
                ctx.pipeline().addFirst("tls", sslContext.newHandler(ctx.alloc()));
            }
        }

        private void respond(ChannelHandlerContext ctx, ConnectionRequest cr) {
            switch (fault) {
                case NONE, DENY, LICENSE_ERROR, USER_REJECTED, NLA_REQUIRED -> {
                    requestedProtocols = cr.negotiation() == null ? 0 : cr.negotiation().requestedProtocols();
                    ByteBuf out = ctx.alloc().buffer();
                    var cc = negotiator.answer(cr);
                    cc.encode(out);
                    ctx.writeAndFlush(out);
                    if (cc.negotiation() == null) {
                        afterConfirm(ctx, Protocols.RDP);
                    } else if (cc.negotiation() instanceof NegotiationResponse rsp) {
                        afterConfirm(ctx, rsp.selectedProtocol());
                    } else {
                        // RDP_NEG_FAILURE: the server disconnects after sending it (MS-RDPBCGR 3.3.5.3.1)
                        ctx.close();
                    }
                }
                case TLS_SILENT, TLS_PARTIAL, TLS_NOT_TLS, TLS_CLOSE -> {
                    ByteBuf out = ctx.alloc().buffer();
                    new io.rdpprobe.protocol.x224.ConnectionConfirm(0, 0x1234, 0,
                            new io.rdpprobe.protocol.x224.NegotiationResponse(1, Protocols.SSL)).encode(out);
                    ctx.writeAndFlush(out);
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
