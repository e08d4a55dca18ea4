package io.rdpprobe.probe.credssp;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the CREDSSP stage ended.
 *
 * @param status   OK, WARNING (e.g. clock skew) or FAILED
 * @param cause    null for a plain OK; a {@link io.rdpprobe.probe.model.CredSspCauses} value otherwise
 * @param summary  one line for the report
 * @param evidence ordered; values are strings, numbers, booleans or lists; never the password
 * @param inferred true when the cause is an inference (a close right after AUTHENTICATE)
 */
public record Outcome(Status status, Cause cause, String summary, Map<String, Object> evidence, boolean inferred) {
    public Outcome {
        evidence = Collections.unmodifiableMap(new LinkedHashMap<>(evidence));
    }

    public boolean isFailure() {
        return status == Status.FAILED;
    }

    /** The model's stage result for the CREDSSP stage. */
    public StageResult toStageResult(long elapsedMs) {
        return new StageResult(Stage.CREDSSP, status, elapsedMs, evidence, cause, summary, inferred);
    }
}
