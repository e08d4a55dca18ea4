package io.rdpprobe.probe.model;

import java.util.List;
import java.util.Map;

/**
 * One probe (or one analysed connection): the target, every stage in order, the verdict, and optional
 * extra sections such as the {@code --enumerate} tables.
 */
public record Report(String target, List<StageResult> stages, Verdict verdict, Map<String, Object> extra) {
    public Report {
        stages = List.copyOf(stages);
        extra = extra == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(extra));
    }

    public Report(String target, List<StageResult> stages) {
        this(target, stages, Verdict.from(stages), Map.of());
    }

    public Report withExtra(Map<String, Object> more) {
        java.util.LinkedHashMap<String, Object> m = new java.util.LinkedHashMap<>(extra);
        m.putAll(more);
        return new Report(target, stages, verdict, m);
    }

    public int exitCode() {
        return verdict.exitCode();
    }
}
