package io.rdpprobe.scan;

/**
 * New connections per second, spaced evenly (one slot every 1/N s, no bursts after a pause). 0 = unlimited.
 *
 * <p>Two ways to take a slot: {@link #acquire} blocks a worker until the next free slot; {@link #reserve} takes the
 * next slot at once and returns how long to wait for it, for a connection that an event loop opens in the middle of
 * a probe (an RD Gateway's RDG_IN_DATA leg), which must not block. Workers do not reserve slots ahead: they wait for
 * the next one and take it when it comes, so a reservation waits at most one interval, not behind every waiting
 * worker (a stage deadline runs while it waits).
 */
public final class RateLimiter {
    private final long intervalNanos;
    private long next;

    public RateLimiter(double perSecond) {
        this.intervalNanos = perSecond <= 0 ? 0 : (long) (1_000_000_000L / perSecond);
        this.next = System.nanoTime();
    }

    /** Waits for the next free slot and takes it; an interrupt ends the wait with InterruptedException. */
    public void acquire() throws InterruptedException {
        if (intervalNanos == 0) {
            return;
        }
        synchronized (this) {
            while (true) {
                long now = System.nanoTime();
                long wait = next - now;
                if (wait <= 0) {
                    next = now + intervalNanos;
                    return;
                }
                wait(wait / 1_000_000L, (int) (wait % 1_000_000L));
            }
        }
    }

    /** Takes the next slot now, without blocking; returns the nanoseconds until it (0: at once). */
    public long reserve() {
        if (intervalNanos == 0) {
            return 0;
        }
        synchronized (this) {
            long now = System.nanoTime();
            long slot = Math.max(now, next);
            next = slot + intervalNanos;
            return slot - now;
        }
    }
}
