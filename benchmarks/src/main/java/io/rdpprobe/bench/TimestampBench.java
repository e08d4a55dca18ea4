package io.rdpprobe.bench;

import io.rdpprobe.report.IsoInstant;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A capture timestamp as analyze prints it (several per connection: first packet, stage times): the project's
 * {@link IsoInstant} against {@code Instant.toString()} (ISO_INSTANT through DateTimeFormatter), same text.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class TimestampBench {
    /** A capture time with microseconds, as pcap stores them. */
    long nanos = 1_764_676_800_123_456_000L;

    @Benchmark
    public String isoInstant() {
        return IsoInstant.format(nanos++);
    }

    @Benchmark
    public String instantToString() {
        return Instant.ofEpochSecond(0, nanos++).toString();
    }
}
