package io.rdpprobe.capture;

import io.rdpprobe.capture.RdpConnection.Side;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a capture packet by packet and hands each RDP connection to a consumer as soon as it ends (both FINs,
 * a RST, an idle timeout in capture time, or the end of the file). Memory is bounded by the connections open at
 * once, never by the file size. RDP is recognised on any port by the X.224 Connection Request, and on port 3389
 * even without one (so broken handshakes are reported too); RDP-UDP by its SYN datagram.
 */
public final class CaptureAnalyzer {
    /** Capture-time idle limit after which an open connection is closed out. */
    public static final long IDLE_NANOS = 600L * 1_000_000_000L;
    private static final int SWEEP_EVERY = 65_536;
    /** How long (capture time) a closed connection still claims its 4-tuple: Linux's TIME_WAIT. */
    public static final long CLOSED_GRACE_NANOS = 60L * 1_000_000_000L;
    static final int MAX_CLOSED = 4096;

    private final Consumer<AnalyzedConnection> sink;
    private final PacketDecoder decoder = new PacketDecoder();
    private final Map<FlowKey, RdpConnection> tcp = new HashMap<>();
    /**
     * Connections ended by a RST or both FINs, held (in close order) for {@link #CLOSED_GRACE_NANOS} of capture time
     * so that segments arriving after the close on the same 4-tuple without a new SYN are noted on them as late
     * segments rather than taken for a second connection; at most {@link #MAX_CLOSED} are held.
     */
    private final java.util.LinkedHashMap<FlowKey, RdpConnection> closed = new java.util.LinkedHashMap<>();
    private final Map<FlowKey, RdpUdpFlow> udp = new HashMap<>();
    private long packets;
    private long now;
    private long rdpConnections;
    private long maxOpen;

    /** Pairs RD Gateway RDG_IN_DATA connections with their RDG_OUT_DATA connection. */
    private final GatewayObserver.Registry gateways = new GatewayObserver.Registry();

    /** The TLS secrets of this analysis, or null: the plain path (no decryption objects at all). */
    private final CaptureSecrets secrets;

    public CaptureAnalyzer(Consumer<AnalyzedConnection> sink) {
        this(sink, null);
    }

    /** @param secrets null for the plain path (a pcap without secret files) */
    public CaptureAnalyzer(Consumer<AnalyzedConnection> sink, CaptureSecrets secrets) {
        this.sink = sink;
        this.secrets = secrets;
    }

    /** Analyses a whole file; {@code progress} (may be null) is called with bytes read every few thousand packets. */
    public static Summary analyze(Path file, Consumer<AnalyzedConnection> sink, java.util.function.LongConsumer progress)
            throws IOException {
        return analyze(file, CaptureSecrets.Files.NONE, sink, progress);
    }

    /**
     * As {@link #analyze(Path, Consumer, java.util.function.LongConsumer)}, decrypting TLS with {@code files} and the
     * capture's own TLS key log Decryption Secrets Blocks (pcapng).
     */
    public static Summary analyze(Path file, CaptureSecrets.Files files, Consumer<AnalyzedConnection> sink,
                                  java.util.function.LongConsumer progress) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            boolean ng = "pcapng".equals(r.format());
            CaptureSecrets secrets = files.isEmpty() && !ng ? null : new CaptureSecrets(files, ng ? r::secrets : null);
            CaptureAnalyzer a = new CaptureAnalyzer(sink, secrets);
            RawPacket p;
            String broken = null;
            try {
                while ((p = r.next()) != null) {
                    a.accept(p);
                    if (progress != null && (a.packets & 0xFFF) == 0) {
                        progress.accept(r.position());
                    }
                }
            } catch (CaptureFormatException e) {
                if (e.kind() != CaptureFormatException.Kind.BROKEN) {
                    throw e;
                }
                broken = e.getMessage(); // what came before the broken block is still reported
            }
            a.finish();
            return a.summary(r.format(), r.position(), r.secrets().size(), r.truncation(), broken);
        }
    }

    /** Convenience: every connection, sorted by first packet. */
    public static List<AnalyzedConnection> analyzeAll(Path file) throws IOException {
        List<AnalyzedConnection> out = new ArrayList<>();
        analyze(file, out::add, null);
        out.sort(java.util.Comparator.comparingLong(AnalyzedConnection::firstSeen));
        return out;
    }

    /**
     * What the run saw.
     *
     * @param unsupportedLinkTypes frames skipped per link type the decoder does not know
     * @param truncation           null, or "truncated at byte N: ..." when the file ends inside a record
     * @param broken               null, or why reading stopped at a broken block (what came before is reported)
     * @param tlsSecrets           null, or the TLS secrets used: key log lines in all and per source (counts only)
     * @param tlsSecretsText       null, or the same in one line
     */
    public record Summary(String format, long bytes, long packets, long rdpConnections, long maxOpenConnections,
                          long ipFragments, long skippedFrames, int decryptionSecretsBlocks,
                          Map<Integer, Long> unsupportedLinkTypes, String truncation, String broken,
                          Map<String, Object> tlsSecrets, String tlsSecretsText) {
        /** One line per unsupported link type: "link type 57005 not supported: 11 packets skipped". */
        public List<String> linkTypeNotes() {
            List<String> out = new ArrayList<>();
            unsupportedLinkTypes.forEach((t, n) -> out.add("link type " + t + " not supported: " + n + " packet"
                    + (n == 1 ? "" : "s") + " skipped"));
            return out;
        }

        /** True when there were packets and every one was of a link type the decoder does not know. */
        public boolean nothingDecodable() {
            long skipped = unsupportedLinkTypes.values().stream().mapToLong(Long::longValue).sum();
            return packets > 0 && skipped == packets;
        }
    }

    Summary summary(String format, long bytes, int secrets, String truncation, String broken) {
        PacketDecoder.Stats s = decoder.stats();
        return new Summary(format, bytes, packets, rdpConnections, maxOpen, s.ipFragments,
                s.unsupportedLinkType + s.notIp + s.truncated + s.otherProtocol, secrets,
                java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(s.unsupportedLinkTypes)), truncation, broken,
                usedSecrets() ? this.secrets.describe() : null, usedSecrets() ? this.secrets.text() : null);
    }

    /** A secrets file was given or the capture held TLS key log DSBs: the summary says how many lines from where. */
    private boolean usedSecrets() {
        return secrets != null && !secrets.sources().isEmpty();
    }

    /** The comment of the packet being handled (pcapng opt_comment), or null. */
    private String comment;

    public void accept(RawPacket raw) {
        packets++;
        comment = raw.comment();
        if (raw.timestampNanos() > now) {
            now = raw.timestampNanos();
        }
        DecodedPacket p = decoder.decode(raw);
        if (p != null) {
            if (p.protocol() == 6) {
                tcp(p);
            } else {
                udp(p);
            }
        }
        if (packets % SWEEP_EVERY == 0) {
            sweep();
        }
    }

    private void tcp(DecodedPacket p) {
        FlowKey key = new FlowKey(p.src(), p.dst(), 6);
        RdpConnection c = tcp.get(key);
        long ts = p.timestampNanos();
        expireClosed(ts);
        if (c == null && !closed.isEmpty()) {
            RdpConnection done = closed.get(key);
            if (done != null) {
                if (!(p.syn() && !p.hasAck())) {
                    done.lateSegment(p.src().equals(done.client) ? Side.CLIENT : Side.SERVER, p.payloadLength(), p.fin(), p.rst(), ts);
                    return;
                }
                emitClosed(key, done); // a new SYN: a new connection on the same 4-tuple
            }
        }
        if (p.syn() && !p.hasAck()) {
            if (c != null && (c.closedBy != null || c.c2s.delivered() > 0 || !p.src().equals(c.client))) {
                close(key, c, ts);
                c = null;
            }
            if (c == null) {
                c = new RdpConnection(p.src(), p.dst(), ts, true, secrets);
                c.gateways = gateways;
                tcp.put(key, c);
                maxOpen = Math.max(maxOpen, tcp.size());
            }
            c.c2s.onSyn(p.seq());
            c.lastSeen = ts;
            c.comment(comment);
            return;
        }
        if (c == null) {
            if (p.rst() && p.payloadLength() == 0) {
                return; // stray reset of a connection we never saw
            }
            Endpoint client;
            Endpoint server;
            if (p.syn()) { // SYN+ACK whose SYN is not in the capture
                client = p.dst();
                server = p.src();
            } else if (p.dst().port() == 3389 || (p.src().port() != 3389 && p.src().port() > p.dst().port())) {
                client = p.src();
                server = p.dst();
            } else {
                client = p.dst();
                server = p.src();
            }
            c = new RdpConnection(client, server, ts, false, secrets);
            c.gateways = gateways;
            tcp.put(key, c);
            maxOpen = Math.max(maxOpen, tcp.size());
        }
        c.lastSeen = ts;
        c.comment(comment);
        if (c.notRdp && c.cr == null && c.cc == null) {
            if (p.rst() || p.fin()) {
                c.closed(p.src().equals(c.client) ? Side.CLIENT : Side.SERVER, p.rst() ? "RST" : "FIN", ts);
                if (p.rst() || c.finSeen[0] || c.finSeen[1]) {
                    tcp.remove(key);
                }
                c.finSeen[p.src().equals(c.client) ? 0 : 1] = true;
            }
            return;
        }
        Side side = p.src().equals(c.client) ? Side.CLIENT : Side.SERVER;
        if (p.syn()) { // SYN+ACK
            if (side == Side.SERVER) {
                if (c.tSynAck < 0) c.tSynAck = ts;
                c.s2c.onSyn(p.seq());
            }
            return;
        }
        if (p.rst()) {
            if (side == Side.SERVER && c.synSeen && c.tSynAck < 0 && c.s2c.delivered() == 0) {
                c.refused = true;
            }
            c.closed(side, "RST", ts);
            c.rstSeen = true;
            close(key, c, ts);
            return;
        }
        TcpStream mine = side == Side.CLIENT ? c.c2s : c.s2c;
        TcpStream other = side == Side.CLIENT ? c.s2c : c.c2s;
        if (p.hasAck()) {
            other.onPeerAck(p.ack(), ts);
        }
        mine.onSegment(p.seq(), p.data(), p.payloadOffset(), p.payloadLength(), p.fin(), ts);
        if (p.fin()) {
            c.finSeen[side.ordinal()] = true;
            c.closed(side, "FIN", ts);
            if (c.finSeen[0] && c.finSeen[1]) {
                close(key, c, ts);
            }
        }
    }

    private void udp(DecodedPacket p) {
        FlowKey key = new FlowKey(p.src(), p.dst(), 17);
        RdpUdpFlow f = udp.get(key);
        if (f == null) {
            if (!RdpUdpFlow.isSyn(p.data(), p.payloadOffset(), p.payloadLength())) {
                return;
            }
            f = new RdpUdpFlow(p.src(), p.dst(), p.timestampNanos());
            udp.put(key, f);
        }
        f.onDatagram(p.src().equals(f.client), p.data(), p.payloadOffset(), p.payloadLength(), p.timestampNanos());
    }

    /** A connection that ended (RST, both FINs, idle, end of capture, or a new SYN on its 4-tuple). */
    private void close(FlowKey key, RdpConnection c, long ts) {
        tcp.remove(key, c);
        c.finish(ts);
        if (c.closedBy != null && (c.rstSeen || (c.finSeen[0] && c.finSeen[1]))) {
            // held for late segments; reported when the grace period ends
            closed.remove(key);
            closed.put(key, c);
            c.tClosedOut = ts;
            while (closed.size() > MAX_CLOSED) {
                Map.Entry<FlowKey, RdpConnection> eldest = closed.entrySet().iterator().next();
                emitClosed(eldest.getKey(), eldest.getValue());
            }
            return;
        }
        emit(c);
    }

    private void emitClosed(FlowKey key, RdpConnection c) {
        closed.remove(key);
        emit(c);
    }

    private void expireClosed(long ts) {
        while (!closed.isEmpty()) {
            Map.Entry<FlowKey, RdpConnection> eldest = closed.entrySet().iterator().next();
            if (ts - eldest.getValue().tClosedOut <= CLOSED_GRACE_NANOS) {
                return;
            }
            emitClosed(eldest.getKey(), eldest.getValue());
        }
    }

    private void emit(RdpConnection c) {
        if (c.isRdp()) {
            rdpConnections++;
            sink.accept(new AnalyzedConnection(ReportBuilder.build(c), c, null));
        }
    }

    private void sweep() {
        Iterator<Map.Entry<FlowKey, RdpConnection>> it = tcp.entrySet().iterator();
        List<Map.Entry<FlowKey, RdpConnection>> idle = new ArrayList<>();
        while (it.hasNext()) {
            Map.Entry<FlowKey, RdpConnection> e = it.next();
            if (now - e.getValue().lastSeen > IDLE_NANOS) {
                idle.add(e);
            }
        }
        for (Map.Entry<FlowKey, RdpConnection> e : idle) {
            close(e.getKey(), e.getValue(), now);
        }
    }

    /** End of capture: every connection still open is reported. */
    public void finish() {
        List<Map.Entry<FlowKey, RdpConnection>> open = new ArrayList<>(tcp.entrySet());
        open.sort(java.util.Comparator.comparingLong(e -> e.getValue().firstSeen));
        List<RdpConnection> last = new ArrayList<>(closed.values());
        closed.clear();
        for (Map.Entry<FlowKey, RdpConnection> e : open) {
            e.getValue().finish(now);
            last.add(e.getValue());
        }
        tcp.clear();
        last.sort(java.util.Comparator.comparingLong(c -> c.firstSeen));
        for (RdpConnection c : last) {
            emit(c);
        }
        for (RdpUdpFlow f : udp.values()) {
            if (f.tSyn >= 0) {
                rdpConnections++;
                sink.accept(new AnalyzedConnection(f.report(), null, f));
            }
        }
        udp.clear();
    }

    public int openConnections() {
        return tcp.size();
    }
}
