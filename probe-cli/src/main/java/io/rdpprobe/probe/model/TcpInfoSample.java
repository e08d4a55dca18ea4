package io.rdpprobe.probe.model;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One reading of the kernel's {@code TCP_INFO} for the probe's socket (Linux {@code struct tcp_info}, read through
 * Netty's epoll transport), as plain values so that the sans-IO side and its tests can be fed recorded readings.
 *
 * @param srttMicros    smoothed round-trip time ({@code tcpi_rtt}, microseconds)
 * @param rttVarMicros  RTT mean deviation ({@code tcpi_rttvar}, microseconds)
 * @param retransmits   retransmissions of the segment at the head of the queue not yet acknowledged ({@code tcpi_retransmits})
 * @param totalRetrans  every segment this side retransmitted on the connection, the SYN included ({@code tcpi_total_retrans})
 * @param lost          segments the kernel currently counts as lost ({@code tcpi_lost})
 * @param pmtu          path MTU as the kernel knows it ({@code tcpi_pmtu}, bytes)
 * @param sndMss        the MSS this side sends with ({@code tcpi_snd_mss}: the peer's advertised MSS within the path MTU)
 * @param rcvMss        the largest segment payload received so far ({@code tcpi_rcv_mss}, the kernel's estimate)
 * @param advMss        the MSS this side advertised in its SYN ({@code tcpi_advmss})
 */
public record TcpInfoSample(long srttMicros, long rttVarMicros, int retransmits, long totalRetrans, long lost, long pmtu,
                            long sndMss, long rcvMss, long advMss) {

    /** The smallest segment size of the path: the lesser of both MSS and of the PMTU less 40 bytes of headers. */
    public long smallestMss() {
        long m = Math.min(sndMss, advMss);
        return pmtu > 0 ? Math.min(m, pmtu - 40) : m;
    }

    /** Milliseconds with two decimals, for evidence. */
    public static double ms(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }

    /** The evidence form: {@code srttMs, rttVarMs, retransmits, totalRetrans, lost, pmtu, sndMss, rcvMss, advMss}. */
    public Map<String, Object> toEvidence() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("srttMs", ms(srttMicros));
        m.put("rttVarMs", ms(rttVarMicros));
        m.put("retransmits", retransmits);
        m.put("totalRetrans", totalRetrans);
        m.put("lost", lost);
        m.put("pmtu", pmtu);
        m.put("sndMss", sndMss);
        m.put("rcvMss", rcvMss);
        m.put("advMss", advMss);
        return m;
    }
}
