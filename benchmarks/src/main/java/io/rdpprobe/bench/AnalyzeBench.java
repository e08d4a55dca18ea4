package io.rdpprobe.bench;

import io.rdpprobe.capture.CaptureAnalyzer;
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
 * {@code analyze} end to end over a synthetic capture of {@value #CONNECTIONS} RDP handshakes written by the
 * benchmark itself (CR, CC, ClientHello, ServerHello + certificate, CCS both ways, FIN; 1 in 20 refused by
 * RDP_NEG_FAILURE, 1 in 20 reset during TLS; 64 connections interleaved). One operation is one connection, so the score is connections per second and
 * {@code -prof gc}'s {@code gc.alloc.rate.norm} is bytes allocated per connection. MB/s = score x bytes per
 * connection (printed at setup).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = "-Xmx256m")
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
public class AnalyzeBench {
    public static final int CONNECTIONS = 20_000;

    Path file;
    long size;

    @Setup(Level.Trial)
    public void write() throws IOException {
        file = Files.createTempFile("rdp-probe-bench", ".pcap");
        SyntheticCapture.Written w = SyntheticCapture.write(file, Long.MAX_VALUE, CONNECTIONS, 64, 1, false);
        size = Files.size(file);
        System.out.printf("%nsynthetic capture: %d connections, %d packets, %d bytes, %.1f bytes/connection%n",
                w.connections(), w.packets(), size, size / (double) CONNECTIONS);
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    @OperationsPerInvocation(CONNECTIONS)
    public long analyze() throws IOException {
        long[] n = new long[1];
        CaptureAnalyzer.analyze(file, c -> n[0]++, null);
        if (n[0] != CONNECTIONS) {
            throw new IllegalStateException("found " + n[0] + " connections, expected " + CONNECTIONS);
        }
        return n[0];
    }
}
