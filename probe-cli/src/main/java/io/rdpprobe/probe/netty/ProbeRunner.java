package io.rdpprobe.probe.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Promise;
import io.rdpprobe.probe.connector.ProbeConnector;
import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.connector.TcpFailure;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.tls.KeyLog;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs one probe connection: DNS (bounded by the stage deadline), TCP connect, then the connector's
 * stages over a Netty pipeline. Every connection is closed before {@link #probe} returns, and it returns
 * within the sum of the stage deadlines plus a small margin, whatever the server does.
 */
public final class ProbeRunner implements AutoCloseable {
    private final EventLoopGroup group;
    private final boolean ownsGroup;
    private final Transport transport;
    private final ExecutorService dnsExecutor;
    private final List<Supplier<ChannelHandler>> wireTaps = new ArrayList<>();
    private KeyLog keyLog;
    private io.rdpprobe.probe.kerberos.KerberosSettings kerberos;
    private volatile boolean transcriptEnabled;
    private volatile io.rdpprobe.probe.connector.Transcript lastTranscript;
    private java.util.concurrent.Semaphore dnsPermits;
    private Runnable connectGate;
    private java.util.function.LongSupplier laterConnectGate;

    /** epoll on Linux (TCP_INFO in the evidence), NIO elsewhere: {@link Transport#preferred()}. */
    public ProbeRunner() {
        this(Transport.preferred());
    }

    public ProbeRunner(Transport transport) {
        this(new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory()), true, transport);
    }

    /** On a caller's NIO event loop group. */
    public ProbeRunner(EventLoopGroup group, boolean ownsGroup) {
        this(group, ownsGroup, Transport.NIO);
    }

    public ProbeRunner(EventLoopGroup group, boolean ownsGroup, Transport transport) {
        this.group = group;
        this.ownsGroup = ownsGroup;
        this.transport = transport;
        this.dnsExecutor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rdp-probe-dns");
            t.setDaemon(true);
            return t;
        });
    }

    /** Adds a handler factory placed first in every pipeline (closest to the wire), e.g. a pcap writer. */
    public ProbeRunner addWireTap(Supplier<ChannelHandler> tap) {
        wireTaps.add(tap);
        return this;
    }

    /** Writes NSS key log lines for every TLS session of this runner. */
    public ProbeRunner keyLog(KeyLog k) {
        this.keyLog = k;
        return this;
    }

    /**
     * Bounds the number of concurrent name look-ups (a fleet scan): a look-up waits for a permit before its DNS
     * stage starts, so the stage's deadline counts only the look-up itself. Address literals need none.
     */
    public ProbeRunner dnsPermits(java.util.concurrent.Semaphore permits) {
        this.dnsPermits = permits;
        return this;
    }

    /**
     * Called on the probing thread before every new TCP connection (a fleet scan's rate limit and stop switch); a
     * RuntimeException it throws propagates to the caller before any socket exists.
     */
    public ProbeRunner connectGate(Runnable gate) {
        this.connectGate = gate;
        return this;
    }

    /**
     * The same limit for a connection that an event loop opens in the middle of a probe, where nothing may block (the
     * RD Gateway's RDG_IN_DATA leg): it takes the next slot and returns the nanoseconds to wait for it, and the
     * connection is opened after that wait; a RuntimeException it throws (the scan is stopping) ends the probe.
     */
    public ProbeRunner laterConnectGate(java.util.function.LongSupplier gate) {
        this.laterConnectGate = gate;
        return this;
    }

    /**
     * Runs the KERBEROS stage (against the KDC, before the target's DNS) once, in the next probe of this runner
     * (the main one; follow-up connections such as --enumerate's do not repeat it); null: none.
     */
    public ProbeRunner kerberos(io.rdpprobe.probe.kerberos.KerberosSettings k) {
        this.kerberos = k;
        return this;
    }

    public Report probe(Target target, ProbeSettings settings) {
        return run(target, settings).report(target.toString());
    }

    /** Probes {@code target} through the RD Gateway described by {@code gateway} (null: directly). */
    public Report probe(Target target, ProbeSettings settings, io.rdpprobe.probe.gateway.GatewaySettings gateway) {
        return run(target, settings, gateway).report(target.toString());
    }

    /** Probes and attaches a transcript of transitions and PDUs to the report ("transcript" section). */
    public Report probeWithTranscript(Target target, ProbeSettings settings) {
        return probeWithTranscript(target, settings, null);
    }

    public Report probeWithTranscript(Target target, ProbeSettings settings,
                                      io.rdpprobe.probe.gateway.GatewaySettings gateway) {
        transcriptEnabled = true;
        try {
            ProbeConnector c = run(target, settings, gateway);
            Report r = c.report(target.toString());
            return lastTranscript == null ? r : r.withSection(lastTranscript.section());
        } finally {
            transcriptEnabled = false;
        }
    }

    /** Runs one connection and returns the connector, for callers that need more than the report. */
    public ProbeConnector run(Target target, ProbeSettings settings) {
        return run(target, settings, null);
    }

    /**
     * Runs one connection; with a {@code gateway}, DNS and TCP go to the gateway, the {@link GatewayHandler}
     * sets up the tunnel below the driver, and the target's stages run through it.
     */
    public ProbeConnector run(Target probed, ProbeSettings settings, io.rdpprobe.probe.gateway.GatewaySettings gateway) {
        ProbeConnector connector = new ProbeConnector(settings);
        if (gateway != null) {
            connector.viaGateway(probed.host());
        }
        Target target = gateway == null ? probed : new Target(gateway.host(), gateway.port());

        // KERBEROS: the KDC is not the target; a failure that mstsc would not fall back from ends the probe here
        if (kerberos != null) {
            io.rdpprobe.probe.kerberos.KerberosSettings k = kerberos;
            kerberos = null;
            io.rdpprobe.probe.kerberos.KerberosProbe.Outcome ko = io.rdpprobe.probe.kerberos.KerberosProbe.runForCredSsp(k);
            connector.externalStage(ko.result());
            if (connector.isDone() || ko.context() == null) {
                if (ko.context() != null) {
                    ko.context().dispose();
                }
                return connector.isDone() ? connector : runTarget(connector, probed, target, settings, gateway);
            }
            connector.kerberosContext(ko.context(), k.mode() != io.rdpprobe.probe.kerberos.AuthMode.KERBEROS);
            try {
                return runTarget(connector, probed, target, settings, gateway);
            } finally {
                io.rdpprobe.probe.credssp.KerberosContext unused = connector.unusedKerberosContext();
                if (unused != null) {
                    unused.dispose();
                }
            }
        }
        return runTarget(connector, probed, target, settings, gateway);
    }

    private ProbeConnector runTarget(ProbeConnector connector, Target probed, Target target, ProbeSettings settings,
                                     io.rdpprobe.probe.gateway.GatewaySettings gateway) {
        long timeout = settings.stageTimeoutMillis();

        // DNS
        InetAddress address;
        boolean literal = isLiteral(target.host());
        java.util.concurrent.Semaphore permits = literal ? null : dnsPermits;
        if (permits != null) {
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                connector.dnsFailed(target.host(), "interrupted", 0);
                return connector;
            }
        }
        long t0 = System.nanoTime();
        try {
            Future<InetAddress[]> f;
            try {
                f = dnsExecutor.submit(() -> {
                    try {
                        return InetAddress.getAllByName(target.host());
                    } finally {
                        if (permits != null) {
                            permits.release(); // when the look-up ends, even after its deadline
                        }
                    }
                });
            } catch (RuntimeException e) {
                if (permits != null) {
                    permits.release();
                }
                throw e;
            }
            InetAddress[] all;
            try {
                all = f.get(timeout, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                f.cancel(true);
                connector.dnsFailed(target.host(), "no answer from the resolver within " + timeout + " ms", ms(t0));
                return connector;
            }
            List<String> names = new ArrayList<>();
            for (InetAddress a : all) {
                names.add(io.rdpprobe.probe.connector.HostNames.address(a));
            }
            address = all[0];
            connector.dnsResolved(target.host(), names, literal, ms(t0));
            if (connector.isDone()) {
                return connector; // --stop-after DNS
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            String detail = c instanceof UnknownHostException ? "unknown host" : String.valueOf(c);
            connector.dnsFailed(target.host(), detail, ms(t0));
            return connector;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connector.dnsFailed(target.host(), "interrupted", ms(t0));
            return connector;
        }

        // TCP + stages
        if (connectGate != null) {
            connectGate.run();
        }
        InetSocketAddress remote = new InetSocketAddress(address, target.port());
        String remoteText = io.rdpprobe.probe.connector.HostNames.endpoint(remote);
        Promise<Void> finished = group.next().newPromise();
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        for (Supplier<ChannelHandler> tap : wireTaps) {
                            ch.pipeline().addLast(tap.get());
                        }
                        DriverHandler driver = new DriverHandler(connector, finished,
                                c -> new BcTlsHandler(TlsLayer.RDP, settings.tls().versions(), c.tlsServerName(), keyLog));
                        io.rdpprobe.probe.connector.Transcript t = null;
                        if (transcriptEnabled) {
                            // the transcript's clock is the driver's: the event loop's ticker
                            t = new io.rdpprobe.probe.connector.Transcript(ch.eventLoop().ticker().nanoTime());
                            lastTranscript = t;
                            driver.transcript(t);
                        }
                        if (gateway != null) {
                            GatewayHandler.install(ch, new GatewayHandler(new io.rdpprobe.probe.gateway.GatewaySequence(
                                    gateway, io.rdpprobe.probe.credssp.RandomSource.secure(), timeout,
                                    settings.credssp().options().skewWarnMillis()), gateway, connector, keyLog,
                                    wireTaps, t, timeout).connectGate(laterConnectGate));
                        }
                        if (transport == Transport.EPOLL) {
                            driver.pathSource(() -> Transport.tcpInfo(ch));
                        }
                        ch.pipeline().addLast("driver", driver);
                    }
                });
        // Register first (class loading, selector setup) so that the TCP stage times only the handshake.
        ChannelFuture reg = b.register();
        reg.awaitUninterruptibly(timeout, TimeUnit.MILLISECONDS);
        if (!reg.isSuccess()) {
            connector.tcpFailed(TcpFailure.OTHER, remoteText, "cannot create a socket: " + reg.cause(), 0);
            if (reg.channel().isRegistered()) {
                reg.channel().close(); // a socket that could not even be created (EMFILE) has no event loop to close on
            }
            return connector;
        }
        long t1 = System.nanoTime();
        // the listener is attached before the connect starts, so that it runs (TCP recorded, or --stop-after TCP) before
        // channelActive writes the Connection Request, never after a fast reply was already read
        io.netty.channel.ChannelPromise cf = reg.channel().newPromise();
        cf.addListener(f -> {
            if (f.isSuccess()) {
                Channel ch = cf.channel();
                Stage last = settings.stopAfter();
                if (last != Stage.DNS && last != Stage.TCP && last != Stage.X224) {
                    // TLS's first-time costs and the JDK's anchors, on a daemon thread: overlaps the X.224 round trip
                    boolean ntlm = settings.credssp() != null && settings.credssp().credentials() != null
                            && last != Stage.TLS;
                    HandshakeWarmup.start(settings.tls().versions(), ntlm);
                }
                connector.tcpConnected(io.rdpprobe.probe.connector.HostNames.endpoint((InetSocketAddress) ch.localAddress()),
                        remoteText, ms(t1), transport.label(), Transport.tcpInfo(ch));
            } else {
                Throwable c = f.cause();
                TcpFailure kind = classify(c);
                connector.tcpFailed(kind, remoteText, io.rdpprobe.probe.connector.HostNames.readableError(errorText(c), remote),
                        ms(t1), transport.label());
                finished.trySuccess(null);
            }
        });
        reg.channel().connect(remote, cf);
        // Overall watchdog: connect + every stage's deadline + margin, in case anything goes wrong.
        long budget = timeout * 12 + 2_000;
        try {
            if (!finished.await(budget, TimeUnit.MILLISECONDS)) {
                cf.channel().close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Channel ch = cf.channel();
        ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        connector.finishPath();
        return connector;
    }

    /** The transport this runner's connections use. */
    public Transport transport() {
        return transport;
    }

    /**
     * {@code --rtt N}: N extra TCP handshakes with {@code target}, 100 ms apart, each closed at once. The RTT of each is
     * the kernel's first RTT sample (TCP_INFO, the SYN/SYN+ACK exchange) on epoll, else the time connect() took.
     */
    public io.rdpprobe.probe.model.RttSeries rttSeries(Target target, int n, long timeoutMillis) {
        List<Long> samples = new ArrayList<>();
        int failed = 0;
        InetSocketAddress remote;
        try {
            remote = new InetSocketAddress(InetAddress.getByName(target.host()), target.port());
        } catch (UnknownHostException e) {
            return new io.rdpprobe.probe.model.RttSeries(List.of(), n, source());
        }
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (connectGate != null) {
                connectGate.run(); // every --rtt handshake is a new connection
            }
            Bootstrap b = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            // nothing is read or written: the handshake is the measurement
                        }
                    });
            long t0 = System.nanoTime();
            ChannelFuture cf = b.connect(remote);
            boolean done = cf.awaitUninterruptibly(timeoutMillis + 1_000, TimeUnit.MILLISECONDS);
            long micros = (System.nanoTime() - t0) / 1_000L;
            if (done && cf.isSuccess()) {
                io.rdpprobe.probe.model.TcpInfoSample info = Transport.tcpInfo(cf.channel());
                samples.add(info != null && info.srttMicros() > 0 ? info.srttMicros() : micros);
            } else {
                failed++;
            }
            cf.channel().close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        return new io.rdpprobe.probe.model.RttSeries(samples, failed, source());
    }

    private String source() {
        return transport == Transport.EPOLL ? "TCP_INFO" : "connect time";
    }

    /**
     * The exception's message; the epoll transport raises EHOSTUNREACH as a NoRouteToHostException whose message is
     * "null: ADDRESS" (no errno text), so the errno's own text is put in.
     */
    static String errorText(Throwable c) {
        String m = c.getMessage();
        if (c instanceof NoRouteToHostException && (m == null || m.startsWith("null"))) {
            return "No route to host" + (m == null ? "" : m.substring(4));
        }
        return m;
    }

    /** The socket error as NIO ({@code ConnectException: ...}) and epoll ({@code connect(..) failed: ...}) word it. */
    static TcpFailure classify(Throwable c) {
        String msg = String.valueOf(c.getMessage()).toLowerCase();
        if (c instanceof ConnectTimeoutException || msg.contains("timed out")) {
            return TcpFailure.TIMEOUT;
        }
        if (msg.contains("network is unreachable") || msg.contains("network unreachable")) {
            return TcpFailure.NET_UNREACHABLE;
        }
        if (c instanceof NoRouteToHostException || msg.contains("unreachable") || msg.contains("no route")) {
            return TcpFailure.HOST_UNREACHABLE;
        }
        if (c instanceof ConnectException && msg.contains("refused")) {
            return TcpFailure.REFUSED;
        }
        return c instanceof ConnectException && msg.contains("refused") ? TcpFailure.REFUSED : TcpFailure.OTHER;
    }

    private static boolean isLiteral(String host) {
        return io.rdpprobe.probe.connector.HostNames.isAddressLiteral(host);
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }

    @Override
    public void close() {
        dnsExecutor.shutdownNow();
        if (ownsGroup) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        }
    }
}
