package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.StageResult;
import java.util.List;

/**
 * What every state may read but none owns: the settings and the results recorded so far (a read-only
 * view; states add results only through the {@link Transition} they return).
 */
record Ctx(ProbeSettings settings, List<StageResult> results) {}
