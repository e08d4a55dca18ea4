package io.rdpprobe.probe.model;

import java.util.Map;

/**
 * How a stage's bytes arrived: how many, in how many reads, and when the first and the last came (ms since
 * the stage started). It tells a flight that stopped from one that trickled until the deadline.
 */
public record Arrivals(long bytes, int reads, long firstMs, long lastMs) {
    public static final Arrivals NONE = new Arrivals(0, 0, -1, -1);

    /** {@code n} more bytes in one read, at {@code atMs}. */
    public Arrivals plus(long n, long atMs) {
        if (n <= 0) {
            return this;
        }
        return new Arrivals(bytes + n, reads + 1, reads == 0 ? atMs : firstMs, atMs);
    }

    /**
     * Whether bytes were still coming near the deadline: more than one read, and the last one in the later
     * half of the stage's time.
     */
    public boolean stillArriving(long nowMs) {
        return reads > 1 && lastMs >= 0 && nowMs - lastMs < Math.max(1, nowMs / 2);
    }

    /** "N byte(s) arrived in K reads over T ms, the last at t ms". */
    public String describe() {
        return bytes + " byte(s) arrived in " + reads + " read(s) over " + Math.max(0, lastMs - firstMs)
                + " ms, the last at " + lastMs + " ms";
    }

    /** Adds {@code reads}, {@code firstByteAtMs} and {@code lastByteAtMs} to the evidence. */
    public void addTo(Map<String, Object> ev) {
        if (reads == 0) {
            return;
        }
        ev.put("reads", reads);
        ev.put("firstByteAtMs", firstMs);
        ev.put("lastByteAtMs", lastMs);
    }
}
