package io.rdpprobe.bench;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.rdpprobe.demo.DemoCertificate;
import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;
import io.rdpprobe.demo.Negotiator;
import io.rdpprobe.protocol.x224.Protocols;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fleet scan's scale lab: one process that binds thousands of loopback targets on distinct 127.x.y.z addresses
 * (one port), on one shared event loop group, and writes their target lists. Loopback only.
 *
 * <pre>
 * java -cp benchmarks.jar io.rdpprobe.bench.ScanLab DIR [TOTAL] [PORT] [SECOND_OCTET]
 * </pre>
 *
 * The addresses are 127.SECOND_OCTET.x.y (default 127.20.x.y), so that labs on one machine do not collide.
 *
 * Of TOTAL (default 10,000): 60% the spec-faithful demo endpoint (HYBRID_EX, TLS, NTLM info), 10% a TLS-only
 * endpoint (selects SSL: no NLA), 5% silent (accepts TCP, never answers: X224 NO_RESPONSE), 5% closing after the
 * Connection Request, 10% blackholed (a listener that never accepts, its accept queue filled by the lab itself, so
 * that the kernel drops every further SYN: TCP CONNECT_TIMEOUT, as a firewall's DROP) and 10% closed (no listener:
 * RST). Files in DIR: {@code targets.txt} (all), {@code blackholes.txt}, {@code answering.txt} (the demo endpoints,
 * in the order of targets.txt), {@code ready} when every listener is up. Runs until killed.
 */
public final class ScanLab {
    private ScanLab() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int total = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        int port = args.length > 2 ? Integer.parseInt(args[2]) : 33389;
        int octet = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        if (octet < 1 || octet > 255 || (long) total > 65_534) {
            throw new IllegalArgumentException("SECOND_OCTET must be 1-255 and TOTAL at most 65,534");
        }
        Files.createDirectories(dir);
        Files.deleteIfExists(dir.resolve("ready"));
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        DemoCertificate cert = DemoCertificate.demo();
        List<String> all = new ArrayList<>();
        List<String> answering = new ArrayList<>();
        List<String> blackholes = new ArrayList<>();
        List<InetSocketAddress> nla = new ArrayList<>();
        List<InetSocketAddress> tls = new ArrayList<>();
        List<InetSocketAddress> silent = new ArrayList<>();
        List<InetSocketAddress> close = new ArrayList<>();
        List<InetSocketAddress> hole = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            // 127.20.0.1 onwards: one address per target, interleaved kinds (as a real fleet mixes them)
            int n = i + 1;
            InetSocketAddress a = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, (byte) octet, (byte) (n >> 8),
                    (byte) n}), port);
            String t = a.getAddress().getHostAddress() + ":" + port;
            all.add(t);
            int k = i % 20;
            if (k < 12) {
                nla.add(a);
                answering.add(t);
            } else if (k < 14) {
                tls.add(a);
                answering.add(t);
            } else if (k == 14) {
                silent.add(a);
            } else if (k == 15) {
                close.add(a);
            } else if (k < 18) {
                hole.add(a);
                blackholes.add(t);
            } // k 18, 19: closed, nothing listens
        }
        List<AutoCloseable> open = new ArrayList<>();
        open.add(DemoServer.startOn(group, nla, DemoServer.negotiatorFor(Fault.NONE), Fault.NONE, cert));
        open.add(DemoServer.startOn(group, tls, new Negotiator(Protocols.SSL, true), Fault.NONE, cert));
        open.add(DemoServer.startOn(group, silent, DemoServer.negotiatorFor(Fault.SILENT), Fault.SILENT, cert));
        open.add(DemoServer.startOn(group, close, DemoServer.negotiatorFor(Fault.CLOSE), Fault.CLOSE, cert));
        for (InetSocketAddress a : hole) {
            ServerSocket s = new ServerSocket();
            s.bind(a, 1);
            open.add(s);
            // backlog 1: the accept queue holds 2 completed handshakes; nobody accepts them, so later SYNs are dropped
            for (int j = 0; j < 2; j++) {
                Socket c = new Socket();
                c.connect(a, 1000);
                open.add(c);
            }
        }
        write(dir.resolve("targets.txt"), all);
        write(dir.resolve("answering.txt"), answering);
        write(dir.resolve("blackholes.txt"), blackholes);
        Files.writeString(dir.resolve("ready"), total + " targets on port " + port + "\n");
        System.out.printf("scan lab: %d targets on 127.%d.x.y:%d: %d demo (HYBRID_EX), %d TLS-only, %d silent, %d close, "
                + "%d blackholed, %d closed%n", total, octet, port, nla.size(), tls.size(), silent.size(), close.size(), hole.size(),
                total - nla.size() - tls.size() - silent.size() - close.size() - hole.size());
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // exiting
                }
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }));
        Thread.currentThread().join(); // until killed
    }

    private static void write(Path f, List<String> lines) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
            for (String l : lines) {
                w.write(l);
                w.write('\n');
            }
        }
    }
}
