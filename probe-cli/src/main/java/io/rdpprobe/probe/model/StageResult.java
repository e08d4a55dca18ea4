package io.rdpprobe.probe.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one stage: status, elapsed time, evidence (ordered key to value; values are strings,
 * numbers, booleans, lists or maps), and for a failure or warning the cause and a one-line summary.
 *
 * @param inferred true when the cause is an inference from indirect evidence (a close right after
 *                 AUTHENTICATE), not something the server said
 */
public record StageResult(Stage stage, Status status, long elapsedMs, Map<String, Object> evidence,
                          Cause cause, String summary, boolean inferred) {
    public StageResult {
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
        if ((status == Status.FAILED || status == Status.WARNING) && cause == null) {
            throw new IllegalArgumentException(stage + " " + status + " needs a cause");
        }
    }

    public static StageResult ok(Stage stage, long elapsedMs, Map<String, Object> evidence, String summary) {
        return new StageResult(stage, Status.OK, elapsedMs, evidence, null, summary, false);
    }

    public static StageResult failed(Stage stage, long elapsedMs, Map<String, Object> evidence, Cause cause, String summary) {
        return new StageResult(stage, Status.FAILED, elapsedMs, evidence, cause, summary, false);
    }

    public static StageResult inferredFailure(Stage stage, long elapsedMs, Map<String, Object> evidence, Cause cause,
                                              String summary) {
        return new StageResult(stage, Status.FAILED, elapsedMs, evidence, cause, summary, true);
    }

    public static StageResult warning(Stage stage, long elapsedMs, Map<String, Object> evidence, Cause cause, String summary) {
        return new StageResult(stage, Status.WARNING, elapsedMs, evidence, cause, summary, false);
    }

    public static StageResult skipped(Stage stage, String why) {
        return new StageResult(stage, Status.SKIPPED, 0, Map.of(), null, why, false);
    }

    public static StageResult notReached(Stage stage) {
        return new StageResult(stage, Status.NOT_REACHED, 0, Map.of(), null, null, false);
    }

    public boolean isFailure() {
        return status == Status.FAILED;
    }
}
