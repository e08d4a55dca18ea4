package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.PathCauses;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.RttSeries;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TcpInfoSample;
import io.rdpprobe.probe.model.TlsCauses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the network path's figures mean: the one place that turns TCP_INFO readings and {@code --rtt} round-trip
 * times into the path warnings {@link PathCauses#PATH_LOSS}, {@link PathCauses#PATH_MTU} and
 * {@link PathCauses#PATH_JITTER}. Pure: it is fed plain values (recorded ones in tests), never a socket.
 *
 * <p>The warnings go on the TCP stage (the stage that measures the path): its status becomes WARNING, its cause the
 * first finding (loss, then MTU, then jitter) and its evidence lists every finding under {@code pathFindings}.
 */
public final class PathVerdicts {
    private PathVerdicts() {}

    /** One path finding. */
    public record Finding(Cause cause, String summary, boolean inferred) {
        String line() {
            return cause.code() + ": " + summary + (inferred ? " [inferred]" : "");
        }
    }

    /** Causes a stalled flight that PATH_MTU joins: the server's bytes stopped part-way. */
    private static final List<String> STALLS = List.of(TlsCauses.TLS_HANDSHAKE_STALLED.code(),
            io.rdpprobe.probe.model.Causes.TRUNCATED_RESPONSE.code());

    /**
     * The fields that changed from {@code prev} to {@code cur} as {@code "field": "old -> new"}; the smoothed RTT
     * counts as changed when it moved by at least 1 ms and 20 %. Empty when nothing changed.
     */
    public static Map<String, Object> changes(TcpInfoSample prev, TcpInfoSample cur) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (prev == null || cur == null) {
            return m;
        }
        long d = Math.abs(cur.srttMicros() - prev.srttMicros());
        if (d >= 1000 && d * 5 >= prev.srttMicros()) {
            m.put("srttMs", TcpInfoSample.ms(prev.srttMicros()) + " -> " + TcpInfoSample.ms(cur.srttMicros()));
        }
        put(m, "totalRetrans", prev.totalRetrans(), cur.totalRetrans());
        put(m, "lost", prev.lost(), cur.lost());
        put(m, "pmtu", prev.pmtu(), cur.pmtu());
        put(m, "sndMss", prev.sndMss(), cur.sndMss());
        put(m, "rcvMss", prev.rcvMss(), cur.rcvMss());
        return m;
    }

    private static void put(Map<String, Object> m, String k, long a, long b) {
        if (a != b) {
            m.put(k, a + " -> " + b);
        }
    }

    /**
     * The loss and MTU findings of one connection.
     *
     * @param last    the last TCP_INFO reading of the connection (null: no TCP_INFO, nothing is judged from it)
     * @param results the connection's stage results (for the stalls that PATH_MTU joins)
     */
    public static List<Finding> judge(TcpInfoSample last, List<StageResult> results) {
        return judge(last, results, false);
    }

    /**
     * As {@link #judge(TcpInfoSample, List)}; {@code loopback}: the peer is a loopback address. Loopback has no path
     * that can drop a packet, so a retransmission there is spurious (a tail-loss probe or RTO fired while this host was
     * too busy to answer in time): it is not reported as PATH_LOSS.
     */
    public static List<Finding> judge(TcpInfoSample last, List<StageResult> results, boolean loopback) {
        List<Finding> out = new ArrayList<>();
        if (last != null && last.totalRetrans() > 0 && !loopback) {
            out.add(new Finding(PathCauses.PATH_LOSS, "the kernel retransmitted " + last.totalRetrans()
                    + " segment(s) during the handshake (TCP_INFO total_retrans" + (last.lost() > 0 ? ", " + last.lost()
                    + " counted lost" : "") + "): packets are lost on the path", false));
        }
        if (last != null) {
            long mss = Math.min(last.sndMss(), last.advMss());
            if (mss > 0 && mss < PathCauses.MTU_LIMIT || last.pmtu() > 0 && last.pmtu() < PathCauses.MTU_LIMIT) {
                out.add(new Finding(PathCauses.PATH_MTU, "MSS " + mss + " / path MTU " + last.pmtu()
                        + " byte(s), below " + PathCauses.MTU_LIMIT + ": a tunnel or link with a small MTU is on the path", false));
            }
        }
        for (StageResult r : results) {
            if (r.status() == Status.FAILED && r.cause() != null && STALLS.contains(r.cause().code())) {
                out.add(new Finding(PathCauses.PATH_MTU, "the server's flight stalled at " + r.stage() + " ("
                        + r.cause().code() + ": " + r.summary() + ")"
                        + (last != null && last.rcvMss() > 0 ? "; the largest segment received was " + last.rcvMss()
                        + " bytes (MSS " + Math.min(last.sndMss(), last.advMss()) + ")" : "")
                        + ": large packets may be dropped on the way (path-MTU black hole)", true));
                break;
            }
        }
        return out;
    }

    /** Whether an endpoint as the TCP evidence writes it ({@code 127.0.0.1:3389}, {@code [::1]:3389}) is loopback. */
    public static boolean isLoopbackEndpoint(String endpoint) {
        return endpoint != null && (endpoint.startsWith("127.") || endpoint.startsWith("[::1]")
                || endpoint.startsWith("[0:0:0:0:0:0:0:1]") || endpoint.startsWith("localhost"));
    }

    /** The jitter finding of an {@code --rtt} series, or null. */
    public static Finding judge(RttSeries s) {
        if (s == null || s.samplesMicros().size() < 2) {
            return null;
        }
        double j = TcpInfoSample.ms(s.jitter());
        if (j > PathCauses.JITTER_LIMIT_MS) {
            return new Finding(PathCauses.PATH_JITTER, "jitter " + j + " ms over " + s.samplesMicros().size()
                    + " TCP handshakes (RTT min " + TcpInfoSample.ms(s.min()) + " / median " + TcpInfoSample.ms(s.median())
                    + " / max " + TcpInfoSample.ms(s.max()) + " ms), above " + PathCauses.JITTER_LIMIT_MS + " ms", false);
        }
        return null;
    }

    /**
     * The TCP stage with {@code findings} added to those it has: WARNING with the first finding's cause (loss, MTU,
     * jitter in that order). A TCP stage that failed, or no findings, leaves it as it was.
     */
    public static StageResult withFindings(StageResult tcp, List<Finding> findings) {
        if (tcp == null || tcp.stage() != Stage.TCP || tcp.status() == Status.FAILED || findings.isEmpty()) {
            return tcp;
        }
        Map<String, Object> ev = new LinkedHashMap<>(tcp.evidence());
        List<String> lines = new ArrayList<>();
        if (ev.get("pathFindings") instanceof List<?> old) {
            old.forEach(o -> lines.add(String.valueOf(o)));
        }
        for (Finding f : findings) {
            if (!lines.contains(f.line())) {
                lines.add(f.line());
            }
        }
        lines.sort(java.util.Comparator.comparingInt(PathVerdicts::rank));
        ev.put("pathFindings", lines);
        String first = lines.get(0);
        Cause cause = PathCauses.all().get(first.substring(0, first.indexOf(':')));
        boolean inferred = first.endsWith("[inferred]");
        String summary = first.substring(first.indexOf(':') + 2).replace(" [inferred]", "")
                + (lines.size() > 1 ? " (+" + (lines.size() - 1) + " more path finding(s))" : "");
        String base = tcp.summary() == null ? "connected" : tcp.summary();
        if (tcp.status() == Status.WARNING && base.contains("; ")) {
            base = base.substring(0, base.indexOf("; "));
        }
        return new StageResult(Stage.TCP, Status.WARNING, tcp.elapsedMs(), ev, cause, base + "; " + summary, inferred);
    }

    private static int rank(String line) {
        List<String> order = List.copyOf(PathCauses.all().keySet());
        int i = order.indexOf(line.substring(0, Math.max(0, line.indexOf(':'))));
        return i < 0 ? order.size() : i;
    }

    /** The report with an {@code --rtt} series in its TCP stage (evidence {@code rtt}, PATH_JITTER when above the limit). */
    public static Report withRtt(Report r, RttSeries s) {
        List<StageResult> stages = new ArrayList<>();
        for (StageResult st : r.stages()) {
            if (st.stage() == Stage.TCP && st.status() != Status.FAILED) {
                Map<String, Object> ev = new LinkedHashMap<>(st.evidence());
                ev.put("rtt", s.toEvidence());
                StageResult withRtt = new StageResult(st.stage(), st.status(), st.elapsedMs(), ev, st.cause(), st.summary(),
                        st.inferred());
                Finding j = judge(s);
                stages.add(j == null ? withRtt : withFindings(withRtt, List.of(j)));
            } else {
                stages.add(st);
            }
        }
        return new Report(r.target(), stages).withSections(r.sections());
    }
}
