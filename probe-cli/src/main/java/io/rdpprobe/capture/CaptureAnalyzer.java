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
    /**
     * At a sweep, a held closed connection is reported once it closed at least this many packets earlier (even inside
     * {@link #CLOSED_GRACE_NANOS}): a limit every shard of a parallel run sees alike, so that {@link #MAX_CLOSED}, which
     * only one thread can count, is not what releases them in a dense capture.
     */
    static final int HOLD_PACKETS = SWEEP_EVERY / 2;

    private final Consumer<AnalyzedConnection> sink;
    private final PacketDecoder decoder = new PacketDecoder();
    /** The flyweight every packet is decoded into. */
    private final PacketView view = new PacketView(decoder);
    /** The open TCP connections, looked up from the packet itself (no key object per packet). */
    private final FlowTable tcp = new FlowTable();
    /**
     * Connections ended by a RST or both FINs, held (in close order) for {@link #CLOSED_GRACE_NANOS} of capture time
     * so that segments arriving after the close on the same 4-tuple without a new SYN are noted on them as late
     * segments rather than taken for a second connection; at most {@link #MAX_CLOSED} are held.
     */
    private final java.util.LinkedHashMap<FlowKey, RdpConnection> closed = new java.util.LinkedHashMap<>();
    /** The eldest of {@link #closed} (null: not known; see {@link #eldestClosed}), so that a packet needs no iterator. */
    private RdpConnection eldestClosed;
    private final Map<FlowKey, RdpUdpFlow> udp = new HashMap<>();
    private long packets;
    private long now;
    private long rdpConnections;
    private long maxOpen;

    /** Pairs RD Gateway RDG_IN_DATA connections with their RDG_OUT_DATA connection. */
    private final GatewayObserver.Registry gateways = new GatewayObserver.Registry();

    /** The TLS secrets of this analysis, or null: the plain path (no decryption objects at all). */
    private final CaptureSecrets secrets;

    /** One shard of a parallel run ({@link ParallelAnalysis}); null for the one-thread analysis. */
    private final Tags tags;
    private final int shard;
    private final int shards;
    /** Where the current emission happens, for {@link Tags}: a phase of the current packet's handling. */
    private int phase;
    private long seq;

    public CaptureAnalyzer(Consumer<AnalyzedConnection> sink) {
        this(sink, null);
    }

    /** @param secrets null for the plain path (a pcap without secret files) */
    public CaptureAnalyzer(Consumer<AnalyzedConnection> sink, CaptureSecrets secrets) {
        this(sink, secrets, 0, 1, null);
    }

    /**
     * One of {@code shards} workers: it handles the packets whose {@link #shardOf} is {@code shard} and hands what it
     * emits, with where in the sequential order it belongs, to {@code tags}; every packet still counts for the
     * capture clock, the sweeps and the expiry of held closed connections, at the same packet index as in one thread.
     */
    CaptureAnalyzer(Consumer<AnalyzedConnection> sink, CaptureSecrets secrets, int shard, int shards, Tags tags) {
        this.sink = sink;
        this.secrets = secrets;
        this.shard = shard;
        this.shards = shards;
        this.tags = tags;
        decoder.onlyShard(shard, shards);
    }

    /** Emission phases within one packet index, in the order the one-thread analysis goes through them. */
    static final int EXPIRY = 0;
    static final int PACKET = 1;
    static final int RELEASE = 2;
    static final int IDLE = 3;
    static final int AFTER_SWEEP = 4;
    static final int FINISH_TCP = 5;
    static final int FINISH_UDP = 6;

    /** Receives a shard's emissions and its open/held counts, each with its place in the one-thread order. */
    interface Tags {
        /** @param key a phase's order key: close order (EXPIRY, RELEASE), emission order (PACKET), unused otherwise */
        void connection(AnalyzedConnection c, long index, int phase, long key);

        /** The shard's open and held-closed counts changed; {@code put}: right after a new connection was opened. */
        void counts(long index, int phase, long key, int open, int held, boolean put);
    }

    /**
     * The shard of a packet among {@code shards}: by the unordered pair of its IP addresses, so both directions, a
     * reused 4-tuple and an RD Gateway's IN and OUT channels from one client host land in the same shard.
     */
    static int shardOf(DecodedPacket p, int shards) {
        byte[] a = p.src().raw();
        byte[] b = p.dst().raw();
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return PacketDecoder.shardOf(both, 0, a.length, a.length, shards);
    }

    /** The one-thread order of connections reported together (a sweep, the end): first packet, client, server. */
    static final java.util.Comparator<RdpConnection> BY_FIRST_SEEN = (x, y) -> {
        int c = Long.compare(x.firstSeen, y.firstSeen);
        if (c == 0) c = Endpoint.compare(x.client, y.client);
        return c != 0 ? c : Endpoint.compare(x.server, y.server);
    };

    static final java.util.Comparator<RdpUdpFlow> UDP_BY_FIRST_SEEN = (x, y) -> {
        int c = Long.compare(x.firstSeen, y.firstSeen);
        if (c == 0) c = Endpoint.compare(x.client, y.client);
        return c != 0 ? c : Endpoint.compare(x.server, y.server);
    };

    long packets() {
        return packets;
    }

    long rdpConnections() {
        return rdpConnections;
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
        return analyze(CaptureReader.open(file), files, sink, progress);
    }

    /** As above, over an open reader, which it closes. */
    static Summary analyze(CaptureReader reader, CaptureSecrets.Files files, Consumer<AnalyzedConnection> sink,
                           java.util.function.LongConsumer progress) throws IOException {
        try (CaptureReader r = reader) {
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

    /**
     * As {@link #analyze(Path, CaptureSecrets.Files, Consumer, java.util.function.LongConsumer)} with {@code threads}
     * workers, each over the connections of one shard ({@link ParallelAnalysis}): the same connections in the same
     * order and the same summary (see {@link Summary#notes()} for the one case where they may differ). One thread is
     * the analysis above itself, with no extra thread and no copy.
     */
    public static Summary analyze(Path file, CaptureSecrets.Files files, Consumer<AnalyzedConnection> sink,
                                  java.util.function.LongConsumer progress, int threads) throws IOException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1: " + threads);
        }
        return threads == 1 ? analyze(file, files, sink, progress)
                : ParallelAnalysis.analyze(w -> CaptureReader.open(file), files, sink, progress, threads);
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
     * @param notes                what the reader should know about how the run went (stderr), e.g. that a
     *                             parallel run may differ from one thread; empty for one thread
     */
    public record Summary(String format, long bytes, long packets, long rdpConnections, long maxOpenConnections,
                          long ipFragments, long skippedFrames, int decryptionSecretsBlocks,
                          Map<Integer, Long> unsupportedLinkTypes, String truncation, String broken,
                          Map<String, Object> tlsSecrets, String tlsSecretsText, List<String> notes) {
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
                usedSecrets() ? this.secrets.describe() : null, usedSecrets() ? this.secrets.text() : null, List.of());
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
        switch (decoder.decodeInto(raw, view)) {
            case PacketView.OTHER_SHARD_TCP -> { // another shard's segment still ends held connections' grace
                phase = EXPIRY;
                expireClosed(raw.timestampNanos());
                counts(false);
            }
            case PacketView.TCP -> {
                tcp(view);
                counts(false);
            }
            case PacketView.UDP -> {
                phase = PACKET;
                udp(view);
                counts(false);
            }
            default -> { } // nothing usable, or another shard's datagram
        }
        if (packets % SWEEP_EVERY == 0) {
            sweep();
        }
    }

    /** Tells {@link #tags} the open and held counts when they changed, or always right after a new connection. */
    private int lastOpen;
    private int lastHeld;

    private void counts(boolean put) {
        if (tags != null && (put || tcp.size() != lastOpen || closed.size() != lastHeld)) {
            lastOpen = tcp.size();
            lastHeld = closed.size();
            tags.counts(packets, phase, phase == PACKET ? ++seq : Long.MAX_VALUE, lastOpen, lastHeld, put);
        }
    }

    private void tcp(PacketView p) {
        RdpConnection c = tcp.get(p);
        boolean fromClient = c != null && tcp.fromClient();
        long ts = p.timestampNanos;
        phase = EXPIRY;
        expireClosed(ts);
        if (tags != null) {
            counts(false);
            phase = PACKET;
        }
        if (c == null && !closed.isEmpty()) {
            FlowKey key = new FlowKey(p.src(), p.dst(), 6);
            RdpConnection done = closed.get(key);
            if (done != null) {
                if (!(p.syn() && !p.hasAck())) {
                    done.lateSegment(p.srcIs(done.client) ? Side.CLIENT : Side.SERVER, p.payloadLength, p.fin(), p.rst(), ts);
                    return;
                }
                emitClosed(key, done); // a new SYN: a new connection on the same 4-tuple
            }
        }
        if (p.syn() && !p.hasAck()) {
            if (c != null && (c.closedBy != null || c.c2s.delivered() > 0 || !fromClient)) {
                close(c, ts);
                c = null;
            }
            if (c == null) {
                c = new RdpConnection(p.src(), p.dst(), ts, true, secrets);
                c.gateways = gateways;
                tcp.put(c);
                maxOpen = Math.max(maxOpen, tcp.size());
                counts(true);
            }
            c.c2s.onSyn(p.seq);
            c.lastSeen = ts;
            c.comment(comment);
            return;
        }
        if (c == null) {
            if (p.rst() && p.payloadLength == 0) {
                return; // stray reset of a connection we never saw
            }
            if (p.syn()) { // SYN+ACK whose SYN is not in the capture
                c = new RdpConnection(p.dst(), p.src(), ts, false, secrets);
                fromClient = false;
            } else if (p.dstPort == 3389 || (p.srcPort != 3389 && p.srcPort > p.dstPort)) {
                c = new RdpConnection(p.src(), p.dst(), ts, false, secrets);
                fromClient = true;
            } else {
                c = new RdpConnection(p.dst(), p.src(), ts, false, secrets);
                fromClient = false;
            }
            if (c.client.equals(c.server)) {
                fromClient = p.srcIs(c.client); // as the map's lookup by equality decided it
            }
            c.gateways = gateways;
            tcp.put(c);
            maxOpen = Math.max(maxOpen, tcp.size());
            counts(true);
        }
        c.lastSeen = ts;
        c.comment(comment);
        Side side = fromClient ? Side.CLIENT : Side.SERVER;
        if (c.notRdp && c.cr == null && c.cc == null) {
            if (p.rst() || p.fin()) {
                c.closed(side, p.rst() ? "RST" : "FIN", ts);
                if (p.rst() || c.finSeen[0] || c.finSeen[1]) {
                    tcp.remove(c);
                }
                c.finSeen[side.ordinal()] = true;
            }
            return;
        }
        if (p.syn()) { // SYN+ACK
            if (side == Side.SERVER) {
                if (c.tSynAck < 0) c.tSynAck = ts;
                c.s2c.onSyn(p.seq);
            }
            return;
        }
        if (p.rst()) {
            if (side == Side.SERVER && c.synSeen && c.tSynAck < 0 && c.s2c.delivered() == 0) {
                c.refused = true;
            }
            c.closed(side, "RST", ts);
            c.rstSeen = true;
            close(c, ts);
            return;
        }
        TcpStream mine = side == Side.CLIENT ? c.c2s : c.s2c;
        TcpStream other = side == Side.CLIENT ? c.s2c : c.c2s;
        if (p.hasAck()) {
            other.onPeerAck(p.ack, ts);
        }
        mine.onSegment(p.seq, p.data, p.payloadOffset, p.payloadLength, p.fin(), ts);
        if (p.fin()) {
            c.finSeen[side.ordinal()] = true;
            c.closed(side, "FIN", ts);
            if (c.finSeen[0] && c.finSeen[1]) {
                close(c, ts);
            }
        }
    }

    private void udp(PacketView p) {
        FlowKey key = new FlowKey(p.src(), p.dst(), 17);
        RdpUdpFlow f = udp.get(key);
        if (f == null) {
            if (!RdpUdpFlow.isSyn(p.data, p.payloadOffset, p.payloadLength)) {
                return;
            }
            f = new RdpUdpFlow(p.src(), p.dst(), p.timestampNanos);
            udp.put(key, f);
        }
        f.onDatagram(p.src().equals(f.client), p.data, p.payloadOffset, p.payloadLength, p.timestampNanos);
    }

    /** A connection that ended (RST, both FINs, idle, end of capture, or a new SYN on its 4-tuple). */
    private void close(RdpConnection c, long ts) {
        tcp.remove(c);
        c.finish(ts);
        if (c.closedBy != null && (c.rstSeen || (c.finSeen[0] && c.finSeen[1]))) {
            // held for late segments; reported when the grace period ends
            FlowKey key = new FlowKey(c.client, c.server, 6);
            closed.remove(key);
            closed.put(key, c);
            eldestClosed = null;
            c.tClosedOut = ts;
            c.closeIndex = packets;
            counts(false);
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
        eldestClosed = null;
        emit(c);
    }

    /** The eldest held closed connection, or null when none is held; kept until {@link #closed} changes. */
    private RdpConnection eldestClosed() {
        if (eldestClosed == null && !closed.isEmpty()) {
            eldestClosed = closed.values().iterator().next();
        }
        return eldestClosed;
    }

    private void expireClosed(long ts) {
        RdpConnection eldest;
        while ((eldest = eldestClosed()) != null) {
            if (ts - eldest.tClosedOut <= CLOSED_GRACE_NANOS) {
                return;
            }
            emitClosed(new FlowKey(eldest.client, eldest.server, 6), eldest);
        }
    }

    private void emit(RdpConnection c) {
        if (c.isRdp()) {
            rdpConnections++;
            AnalyzedConnection a = new AnalyzedConnection(ReportBuilder.build(c), c, null);
            if (tags == null) {
                sink.accept(a);
            } else {
                tags.connection(a, packets, phase, phase == EXPIRY || phase == RELEASE ? c.closeIndex : ++seq);
            }
        }
    }

    /**
     * Every {@link #SWEEP_EVERY} packets: held closed connections older than {@link #HOLD_PACKETS} packets are
     * reported (in close order), then open connections idle for {@link #IDLE_NANOS} are closed out (by first packet,
     * client, server: an order that does not depend on the map's).
     */
    private void sweep() {
        phase = RELEASE;
        while (!closed.isEmpty()) {
            Map.Entry<FlowKey, RdpConnection> eldest = closed.entrySet().iterator().next();
            if (packets - eldest.getValue().closeIndex < HOLD_PACKETS) {
                break;
            }
            emitClosed(eldest.getKey(), eldest.getValue());
        }
        counts(false);
        phase = IDLE;
        List<RdpConnection> idle = new ArrayList<>();
        for (RdpConnection c : tcp.values()) {
            if (now - c.lastSeen > IDLE_NANOS) {
                idle.add(c);
            }
        }
        idle.sort(BY_FIRST_SEEN);
        for (RdpConnection c : idle) {
            close(c, now);
        }
        phase = AFTER_SWEEP;
        counts(false);
    }

    /**
     * End of capture: every connection still held or open is reported, by first packet (then client, server), and
     * then the RDP-UDP flows in the same order.
     */
    public void finish() {
        phase = FINISH_TCP;
        List<RdpConnection> last = new ArrayList<>(closed.values());
        closed.clear();
        eldestClosed = null;
        for (RdpConnection c : tcp.values()) {
            c.finish(now);
            last.add(c);
        }
        tcp.clear();
        last.sort(BY_FIRST_SEEN);
        for (RdpConnection c : last) {
            emit(c);
        }
        phase = FINISH_UDP;
        List<RdpUdpFlow> flows = new ArrayList<>(udp.values());
        flows.sort(UDP_BY_FIRST_SEEN);
        for (RdpUdpFlow f : flows) {
            if (f.tSyn >= 0) {
                rdpConnections++;
                AnalyzedConnection a = new AnalyzedConnection(f.report(), null, f);
                if (tags == null) {
                    sink.accept(a);
                } else {
                    tags.connection(a, packets, phase, ++seq);
                }
            }
        }
        udp.clear();
    }

    /** The phase of the packet handling under way (for a worker's failure: where one thread would stop). */
    int phaseNow() {
        return phase;
    }

    public int openConnections() {
        return tcp.size();
    }
}
