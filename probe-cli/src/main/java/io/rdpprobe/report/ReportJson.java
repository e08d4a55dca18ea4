package io.rdpprobe.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.rdpprobe.probe.model.ClientError;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Verdict;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON contract (documented in README.md, "JSON schema"):
 *
 * <pre>
 * {"target": "...",
 *  "stages": [{"stage","status","elapsedMs","evidence":{},"cause","summary","inferred"}],
 *  "verdict": {"stage","status","cause","summary","remedy","inferred","clientError":{"code","extended"}|null},
 *  ...one key per section (io.rdpprobe.probe.model.Section: "transcript", "enumeration", "gateway", ...)}
 * </pre>
 * Codes in clientError are hex strings such as "0x904". Keys are stable; new keys may be added.
 */
public final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private ReportJson() {}

    public static Map<String, Object> toMap(Report r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", r.target());
        List<Object> stages = new ArrayList<>();
        for (StageResult s : r.stages()) {
            stages.add(stageMap(s));
        }
        m.put("stages", stages);
        m.put("verdict", verdictMap(r.verdict()));
        for (io.rdpprobe.probe.model.Section s : r.sections()) {
            m.put(s.key(), SectionJson.of(s));
        }
        return m;
    }

    public static Map<String, Object> stageMap(StageResult s) {
        Map<String, Object> st = new LinkedHashMap<>();
        st.put("stage", s.stage().name());
        st.put("status", s.status().name());
        st.put("elapsedMs", s.elapsedMs());
        st.put("evidence", s.evidence());
        st.put("cause", s.cause() == null ? null : s.cause().code());
        st.put("summary", s.summary());
        st.put("inferred", s.inferred());
        return st;
    }

    public static Map<String, Object> verdictMap(Verdict v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("stage", v.stage() == null ? null : v.stage().name());
        m.put("status", v.status().name());
        m.put("cause", v.cause());
        m.put("summary", v.summary());
        m.put("remedy", v.remedy());
        m.put("inferred", v.inferred());
        m.put("clientError", clientErrorMap(v.clientError()));
        m.put("findingStage", v.findingStage() == null ? null : v.findingStage().name());
        m.put("notTried", v.notTried());
        m.put("goFurther", v.goFurther());
        return m;
    }

    public static Map<String, Object> clientErrorMap(ClientError ce) {
        if (ce == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", String.format("0x%X", ce.code()));
        m.put("extended", ce.extended() == null ? null : String.format("0x%X", ce.extended()));
        return m;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One report as a single line (JSON Lines: {@code scan}'s stream), the same keys as {@link #render}. */
    public static String line(Report r) {
        return line(toMap(r));
    }

    /** A value as one JSON line (no indentation, no line break). */
    public static String line(Object value) {
        try {
            return LINE.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectWriter LINE =
            MAPPER.writer().without(SerializationFeature.INDENT_OUTPUT);

    public static String render(Report r) {
        return write(toMap(r));
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
