package io.rdpprobe.bench;

import io.rdpprobe.capture.CaptureWriter;
import io.rdpprobe.capture.FrameBuilder;
import io.rdpprobe.capture.PacketDecoder;
import io.rdpprobe.capture.TcpConversation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Writes a synthetic Ethernet pcap of RDP connections, interleaved so that {@code concurrency} are open at once:
 * mostly TLS/HYBRID handshakes (CR with cookie, CC, ClientHello, ServerHello + a 2048-bit RSA certificate +
 * ServerHelloDone, CCS both ways, a few KB of application records, FIN both ways), with every 20th refused by
 * RDP_NEG_FAILURE and every 20th reset during TLS. Nothing is kept in memory beyond the open conversations.
 *
 * <pre>
 * java -cp benchmarks.jar io.rdpprobe.bench.SyntheticCapture OUT.pcap SIZE_MB [connections]
 * </pre>
 */
public final class SyntheticCapture {
    private SyntheticCapture() {}

    /** Result of a write. */
    public record Written(long connections, long packets, long bytes) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: SyntheticCapture OUT.pcap SIZE_MB [maxConnections]");
            System.exit(2);
        }
        long target = Long.parseLong(args[1]) * 1024 * 1024;
        long max = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        long t0 = System.nanoTime();
        Written w = write(Path.of(args[0]), target, max, 64, 1);
        System.out.printf("wrote %s: %d connections, %d packets, %d bytes in %.1f s%n", args[0], w.connections(), w.packets(),
                w.bytes(), (System.nanoTime() - t0) / 1e9);
    }

    /** Writes until {@code targetBytes} or {@code maxConnections} is reached, whichever comes first. */
    public static Written write(Path out, long targetBytes, long maxConnections, int concurrency, long seed) throws IOException {
        return write(out, targetBytes, maxConnections, concurrency, seed, true);
    }

    /**
     * @param sessionData whether successful connections carry 4..23 application-data round trips after the handshake
     *                    (false: handshake only, CCS both ways, then FIN)
     */
    public static Written write(Path out, long targetBytes, long maxConnections, int concurrency, long seed,
                                boolean sessionData) throws IOException {
        Random r = new Random(seed);
        byte[] cert = certificate();
        ArrayDeque<Iterator<TcpConversation.Packet>> open = new ArrayDeque<>();
        long started = 0;
        long packets = 0;
        long bytes = 24;
        long ts = 1_700_000_000L * 1_000_000_000L;
        try (CaptureWriter w = new CaptureWriter(Files.newOutputStream(out), CaptureWriter.Format.PCAP_MICRO,
                ByteOrder.LITTLE_ENDIAN, PacketDecoder.LINKTYPE_ETHERNET)) {
            while (true) {
                while (open.size() < concurrency && started < maxConnections && bytes < targetBytes) {
                    open.add(conversation(started++, r, cert, sessionData).packets().iterator());
                }
                Iterator<TcpConversation.Packet> it = open.poll();
                if (it == null) {
                    break;
                }
                // a few packets from this conversation, then the next one
                for (int k = 0; k < 3 && it.hasNext(); k++) {
                    TcpConversation.Packet p = it.next();
                    byte[] frame = FrameBuilder.link(PacketDecoder.LINKTYPE_ETHERNET, p.ip(), 0);
                    ts += 10_000;
                    w.write(ts, PacketDecoder.LINKTYPE_ETHERNET, frame);
                    packets++;
                    bytes += 16 + frame.length;
                }
                if (it.hasNext()) {
                    open.add(it);
                }
            }
        }
        return new Written(started, packets, bytes);
    }

    static TcpConversation conversation(long i, Random r, byte[] cert, boolean sessionData) {
        byte[] client = {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i};
        byte[] server = {(byte) 192, (byte) 168, 1, (byte) (1 + (i % 4))};
        TcpConversation t = new TcpConversation(client, 49152 + (int) (i % 16000), server, 3389, 0, r.nextInt(), r.nextInt());
        t.handshake();
        t.client(TcpConversation.connectionRequest("user" + (i % 1000), 0x0B));
        int kind = (int) (i % 20);
        if (kind == 7) {
            t.server(TcpConversation.negotiationFailure(5)).fin(false).fin(true);
            return t;
        }
        t.server(TcpConversation.connectionConfirm(2));
        t.client(TcpConversation.clientHelloRecord("server" + (i % 4) + ".example"));
        if (kind == 13) {
            t.rst(false);
            return t;
        }
        t.server(TcpConversation.serverFlightRecord(0xC030, List.of(cert)));
        t.client(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)));
        t.server(TcpConversation.concat(TcpConversation.changeCipherSpec(), TcpConversation.applicationData(40)));
        int n = sessionData ? 4 + r.nextInt(20) : 0;
        for (int k = 0; k < n; k++) {
            t.client(TcpConversation.applicationData(100 + r.nextInt(600)));
            t.server(TcpConversation.applicationData(200 + r.nextInt(3000)));
        }
        t.fin(true).fin(false);
        return t;
    }

    /** A self-signed RSA-2048 certificate (fixed per run). */
    static byte[] certificate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            KeyPair kp = g.generateKeyPair();
            X500Name name = new X500Name("CN=synthetic.rdp-probe.example");
            Date from = new Date(1_700_000_000_000L);
            Date to = new Date(1_800_000_000_000L);
            return new JcaX509v3CertificateBuilder(name, BigInteger.ONE, from, to, name, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(kp.getPrivate())).getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException("cannot build the synthetic certificate", e);
        }
    }

    static void unchecked(IOException e) {
        throw new UncheckedIOException(e);
    }
}
