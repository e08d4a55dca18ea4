package io.rdpprobe.capture;

import io.rdpprobe.bench.ReaderBench;
import io.rdpprobe.bench.SyntheticCapture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The analyser's per-packet step before the streams: decode a frame's headers and find its connection. Two ways over
 * the same packets (a synthetic capture of {@value ReaderBench#CONNECTIONS} connections, held in memory, every
 * connection already open, each frame cut to its first {@value #SNAP} bytes): {@code recordAndFlowKey}, what the analyser did up to round 4 (a {@link DecodedPacket}
 * record with two {@link Endpoint}s, a {@link FlowKey}, a {@code HashMap} lookup, the side by {@code equals}), and
 * {@code viewAndFlowTable}, what it does now (the reused {@link PacketView} and {@link FlowTable}: no object per
 * packet). One operation is one packet; {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes per packet.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class FlowBench {
    /** Bytes kept of each frame: Ethernet, IPv4 and TCP headers with options, and a little payload. */
    static final int SNAP = 96;

    private final List<RawPacket> frames = new ArrayList<>();
    private final Map<FlowKey, RdpConnection> map = new HashMap<>();
    private final FlowTable table = new FlowTable();

    @Setup(Level.Trial)
    public void load() throws IOException {
        Path file = Files.createTempFile("rdp-probe-flow-bench", ".pcap");
        try {
            SyntheticCapture.write(file, Long.MAX_VALUE, ReaderBench.CONNECTIONS, 64, 1, true);
            PacketDecoder d = new PacketDecoder();
            try (CaptureReader r = CaptureReader.open(file)) {
                RawPacket p;
                while ((p = r.next()) != null) {
                    // headers only (a snap length of SNAP bytes): 64k frames in about 6 MB, so that the score is the
                    // decode and the lookup, not cache misses on 40 MB of payload the step does not read
                    byte[] head = java.util.Arrays.copyOfRange(p.buffer(), p.offset(), p.offset() + Math.min(SNAP, p.length()));
                    RawPacket own = new RawPacket(p.timestampNanos(), p.linkType(), p.interfaceId(), head, p.originalLength());
                    frames.add(own);
                    DecodedPacket dp = d.decode(own);
                    if (dp != null && dp.protocol() == 6 && dp.syn() && !dp.hasAck()) {
                        RdpConnection c = new RdpConnection(dp.src(), dp.dst(), 0, true);
                        if (map.putIfAbsent(new FlowKey(dp.src(), dp.dst(), 6), c) == null) {
                            table.put(c);
                        }
                    }
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        if (frames.size() != ReaderBench.PACKETS) {
            throw new IllegalStateException("the capture has " + frames.size() + " packets; set ReaderBench.PACKETS to it");
        }
    }

    private final PacketDecoder recordDecoder = new PacketDecoder();

    @Benchmark
    @OperationsPerInvocation(ReaderBench.PACKETS)
    public long recordAndFlowKey() {
        long n = 0;
        for (RawPacket raw : frames) {
            DecodedPacket p = recordDecoder.decode(raw);
            if (p != null && p.protocol() == 6) {
                RdpConnection c = map.get(new FlowKey(p.src(), p.dst(), 6));
                if (c != null && p.src().equals(c.client)) {
                    n += p.payloadLength();
                }
            }
        }
        return n;
    }

    private final PacketDecoder viewDecoder = new PacketDecoder();
    private final PacketView view = new PacketView(viewDecoder);

    @Benchmark
    @OperationsPerInvocation(ReaderBench.PACKETS)
    public long viewAndFlowTable() {
        long n = 0;
        for (RawPacket raw : frames) {
            if (viewDecoder.decodeInto(raw, view) == PacketView.TCP) {
                RdpConnection c = table.get(view);
                if (c != null && table.fromClient()) {
                    n += view.payloadLength;
                }
            }
        }
        return n;
    }
}
