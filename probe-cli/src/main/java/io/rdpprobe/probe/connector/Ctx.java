package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.StageResult;
import java.util.List;

/**
 * What every state may read but none owns: the settings and the results recorded so far (a read-only
 * view; states add results only through the {@link Transition} they return).
 */
record Ctx(ProbeSettings settings, List<StageResult> results, WallClock wall) {
    /** The wall clock as the driver read it once (for certificate dates outside TLS); sans-IO: never read here. */
    static final class WallClock {
        private Long offsetMillis;

        void set(java.time.Instant wallNow, long nowNanos) {
            offsetMillis = wallNow.toEpochMilli() - nowNanos / 1_000_000L;
        }

        /** The wall time at {@code nowNanos}, or null when the driver never said. */
        java.time.Instant at(long nowNanos) {
            return offsetMillis == null ? null : java.time.Instant.ofEpochMilli(offsetMillis + nowNanos / 1_000_000L);
        }
    }
}
