package io.rdpprobe.probe.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --rtt N}: the round-trip times of N extra TCP handshakes, 100 ms apart, in microseconds.
 *
 * @param samplesMicros one RTT per handshake that completed, in order
 * @param failed        handshakes that did not complete (refused, timed out)
 * @param source        where each RTT came from: {@code TCP_INFO} (the kernel's first RTT sample, the SYN/SYN+ACK
 *                      exchange) or {@code connect time} (the time connect() took, when the transport has no TCP_INFO)
 */
public record RttSeries(List<Long> samplesMicros, int failed, String source) {
    public RttSeries {
        samplesMicros = List.copyOf(samplesMicros);
    }

    public long min() {
        return samplesMicros.stream().mapToLong(Long::longValue).min().orElse(0);
    }

    public long max() {
        return samplesMicros.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The median (the mean of the two middle values for an even count). */
    public long median() {
        List<Long> s = new ArrayList<>(samplesMicros);
        if (s.isEmpty()) {
            return 0;
        }
        s.sort(null);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * Jitter: the mean absolute difference between consecutive RTTs (the packet-delay variation of RFC 3550
     * section 6.4.1, without its smoothing), in microseconds; 0 with fewer than two samples.
     */
    public long jitter() {
        if (samplesMicros.size() < 2) {
            return 0;
        }
        long sum = 0;
        for (int i = 1; i < samplesMicros.size(); i++) {
            sum += Math.abs(samplesMicros.get(i) - samplesMicros.get(i - 1));
        }
        return sum / (samplesMicros.size() - 1);
    }

    public Map<String, Object> toEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("handshakes", samplesMicros.size() + failed);
        m.put("completed", samplesMicros.size());
        m.put("source", source);
        m.put("samplesMs", samplesMicros.stream().map(TcpInfoSample::ms).toList());
        m.put("minMs", TcpInfoSample.ms(min()));
        m.put("medianMs", TcpInfoSample.ms(median()));
        m.put("maxMs", TcpInfoSample.ms(max()));
        m.put("jitterMs", TcpInfoSample.ms(jitter()));
        return m;
    }
}
