package io.rdpprobe.bench;

import io.rdpprobe.capture.CaptureReader;
import io.rdpprobe.capture.DecodedPacket;
import io.rdpprobe.capture.PacketDecoder;
import io.rdpprobe.capture.RawPacket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The first two steps of {@code analyze}, apart: reading a classic pcap record by record ({@link CaptureReader}: one
 * reusable read buffer, each packet a view into it) and then decoding each packet's link, IP and TCP headers
 * ({@link PacketDecoder}). The file is a synthetic capture of {@value #CONNECTIONS} RDP connections with session data
 * (about 40 MB, in the page cache after the first pass). One operation is one packet: the score is packets per second
 * and {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per packet; MB/s = score x bytes per packet
 * (printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
public class ReaderBench {
    public static final int CONNECTIONS = 1_500;

    Path file;
    long packets;

    @Setup(Level.Trial)
    public void write() throws IOException {
        file = Files.createTempFile("rdp-probe-reader-bench", ".pcap");
        SyntheticCapture.Written w = SyntheticCapture.write(file, Long.MAX_VALUE, CONNECTIONS, 64, 1, true);
        packets = w.packets();
        long size = Files.size(file);
        System.out.printf("%nsynthetic capture: %d connections, %d packets, %d bytes, %.1f bytes/packet%n",
                w.connections(), packets, size, size / (double) packets);
        if (packets != PACKETS) {
            throw new IllegalStateException("the capture has " + packets + " packets; set PACKETS to it");
        }
    }

    /** Packets in the capture {@link #write} makes (seed 1): the operations per invocation. */
    public static final int PACKETS = 63_876;

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long read() throws IOException {
        long bytes = 0;
        try (CaptureReader r = CaptureReader.open(file)) {
            RawPacket p;
            while ((p = r.next()) != null) {
                bytes += p.length();
            }
        }
        return bytes;
    }

    @Benchmark
    @OperationsPerInvocation(PACKETS)
    public long readAndDecode() throws IOException {
        long tcp = 0;
        PacketDecoder decoder = new PacketDecoder();
        try (CaptureReader r = CaptureReader.open(file)) {
            RawPacket p;
            while ((p = r.next()) != null) {
                DecodedPacket d = decoder.decode(p);
                if (d != null && d.protocol() == 6) {
                    tcp += d.payloadLength();
                }
            }
        }
        return tcp;
    }
}
