package io.rdpprobe.capture.regress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.report.ReportJson;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a baseline holds of one connection, and what a run is compared on: the verdict (final stage, status, cause,
 * inferred or not), mstsc's code for it, each stage's status and cause, and the evidence values a baseline names.
 *
 * @param key       {@code <first packet, UTC, microseconds> <endpoints>}: stable across runs and machines, and in
 *                  time order when sorted
 * @param endpoints the report's target ({@code client -> server}; {@code udp client -> server} for RDP-UDP)
 * @param stage     the verdict's stage (null when no stage ran)
 * @param mstsc     the client error pair as the text report shows it ({@code 0x904 / extended 0x7}), or null
 * @param stages    stage name to status and cause, in the report's stage order
 * @param evidence  evidence name ({@code selected}, or {@code X224.selected}) to value; only the names asked for
 * @param verdict   the report's verdict, or null for a baseline's entry (not compared: for JUnit messages)
 * @param elapsedMs the stages' elapsed time summed (not compared: for JUnit)
 */
public record ConnectionVerdict(String key, String endpoints, String stage, String status, String cause,
                                boolean inferred, String mstsc, Map<String, StageVerdict> stages,
                                Map<String, JsonNode> evidence, Verdict verdict, long elapsedMs) {
    /** One stage: its status and cause (null when none). */
    public record StageVerdict(String status, String cause) {
        @Override
        public String toString() {
            return cause == null ? status : status + " " + cause;
        }
    }

    private static final DateTimeFormatter FIRST_SEEN = DateTimeFormatter
            .ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

    public ConnectionVerdict {
        stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
        evidence = Collections.unmodifiableMap(new TreeMap<>(evidence));
    }

    public static String key(long firstSeenNanos, String endpoints) {
        return FIRST_SEEN.format(Instant.ofEpochSecond(0, firstSeenNanos)) + " " + endpoints;
    }

    /**
     * The connection's verdict record, with the values of {@code evidenceNames} (each {@code KEY}: the first stage
     * whose evidence has it; or {@code STAGE.KEY}); a name the report does not have is left out (compared as absent).
     */
    public static ConnectionVerdict of(AnalyzedConnection c, Collection<String> evidenceNames) {
        Report r = c.report();
        Verdict v = r.verdict();
        Map<String, StageVerdict> stages = new LinkedHashMap<>();
        long elapsed = 0;
        for (StageResult s : r.stages()) {
            stages.put(s.stage().name(), new StageVerdict(s.status().name(), s.cause() == null ? null : s.cause().code()));
            elapsed += Math.max(0, s.elapsedMs());
        }
        Map<String, JsonNode> ev = new TreeMap<>();
        for (String name : evidenceNames) {
            Object value = evidence(r, name);
            // absent is written as null, so that a rewritten baseline keeps the name
            ev.put(name, value == null ? NullNode.instance : ReportJson.mapper().valueToTree(value));
        }
        return new ConnectionVerdict(key(c.firstSeen(), r.target()), r.target(), v.stage() == null ? null : v.stage().name(),
                v.status().name(), v.cause(), v.inferred(), v.clientError() == null ? null : v.clientError().display(),
                stages, ev, v, elapsed);
    }

    /** An evidence value by name: {@code KEY} in the first stage that has it, or {@code STAGE.KEY}; null if none. */
    static Object evidence(Report r, String name) {
        int dot = name.indexOf('.');
        String stage = dot > 0 && isStage(name.substring(0, dot)) ? name.substring(0, dot) : null;
        String key = stage != null ? name.substring(dot + 1) : name;
        for (StageResult s : r.stages()) {
            if (stage != null && !s.stage().name().equals(stage)) {
                continue;
            }
            Object v = s.evidence().get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static boolean isStage(String s) {
        for (io.rdpprobe.probe.model.Stage st : io.rdpprobe.probe.model.Stage.values()) {
            if (st.name().equals(s)) {
                return true;
            }
        }
        return false;
    }

    /** {@code STATUS at STAGE (CAUSE)}: the verdict in a few words. */
    public String brief() {
        return status + (stage == null ? "" : " at " + stage) + (cause == null ? "" : " (" + cause + (inferred ? ", inferred" : "") + ")");
    }

    /** The verdict in the baseline's order of keys (sorted), as written. */
    Map<String, Object> verdictMap() {
        Map<String, Object> m = new TreeMap<>();
        m.put("stage", stage);
        m.put("status", status);
        m.put("cause", cause);
        m.put("inferred", inferred);
        m.put("mstsc", mstsc);
        return m;
    }
}
