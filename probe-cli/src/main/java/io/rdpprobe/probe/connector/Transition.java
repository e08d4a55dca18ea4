package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.model.StageResult;
import java.util.List;
import java.util.Map;

/**
 * The result of handing a state one event: the next state, what the driver must do, and the stage
 * results the event produced, in order. {@link ProbeConnector} applies it in its single
 * {@code transition()}.
 */
record Transition(ConnectorState next, Action action, List<StageResult> recorded) {
    Transition {
        recorded = List.copyOf(recorded);
    }

    static Transition to(ConnectorState next, Action action, StageResult... recorded) {
        return new Transition(next, action, List.of(recorded));
    }

    /** Nothing changes; keep waiting. */
    static Transition stay(ConnectorState s) {
        return new Transition(s, s instanceof Done ? Action.DONE : Action.WAIT, List.of());
    }

    /** The probe ends at {@code stage} with a FAILED result. */
    static Transition fail(ConnectorState from, Ctx c, Stage stage, long elapsedMs, Map<String, Object> ev, Cause cause,
                           String summary) {
        return to(Done.after(from, c, stage), Action.DONE, StageResult.failed(stage, elapsedMs, ev, cause, summary));
    }

    /** The probe ends with a FAILED result decided elsewhere (a stage reading). */
    static Transition fail(ConnectorState from, Ctx c, StageResult failed) {
        return to(Done.after(from, c, failed.stage()), Action.DONE, failed);
    }

    /** The probe ends in {@code from}'s stage without a verdict of its own (stop-after, credentials proven). */
    static Transition finish(ConnectorState from, Ctx c, StageResult... recorded) {
        return to(Done.after(from, c, from.stage()), Action.DONE, recorded);
    }

    /** The same transition with {@code first} recorded before its own results. */
    Transition after(StageResult first) {
        List<StageResult> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(recorded);
        return new Transition(next, action, all);
    }
}
