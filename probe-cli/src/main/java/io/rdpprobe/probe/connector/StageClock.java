package io.rdpprobe.probe.connector;

/** When the current stage started and when it times out, in the driver's nanoTime. */
record StageClock(long startNanos, long deadlineNanos) {
    /** No stage is timed (DNS and TCP are timed by the driver). */
    static final StageClock NONE = new StageClock(0, Long.MAX_VALUE);

    static StageClock start(long nowNanos, ProbeSettings s) {
        return new StageClock(nowNanos, nowNanos + s.stageTimeoutMillis() * 1_000_000L);
    }

    long elapsedMs(long nowNanos) {
        if (this == NONE) {
            return 0;
        }
        return Math.max(0, (nowNanos - startNanos) / 1_000_000L);
    }
}
