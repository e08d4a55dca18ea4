package io.rdpprobe.scan;

import io.rdpprobe.probe.model.Report;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a fleet scan: {@code concurrency} workers take the targets host by host (a per-host limit of one: the
 * targets of one host run one after another on one worker), probe each with the same code path as {@code probe}
 * ({@link Prober}) and hand each report to the {@link Sink} as it finishes. {@link #stop} (Ctrl-C) starts no new
 * target or connection, closes the open connections through {@code onStop}, and discards the reports of the
 * targets it cut short: they are counted as interrupted, and {@code --resume} probes them again.
 */
public final class Scanner {
    /** One target's probe; blocks until its report is complete. */
    @FunctionalInterface
    public interface Prober {
        Report probe(ScanTarget t);
    }

    /** Receives each finished report (called from worker threads, one call at a time). */
    @FunctionalInterface
    public interface Sink {
        void accept(ScanTarget t, Report r);
    }

    /** Thrown by a probe's connect gate once the scan is stopping. */
    public static final class Stopped extends RuntimeException {
        public Stopped() {
            super("scan stopped", null, false, false);
        }
    }

    /** What a run did. */
    public record Outcome(int total, int done, int interrupted, boolean stopped, List<String> errors) {}

    private final List<ScanTarget> targets;
    private final int concurrency;
    private final Prober prober;
    private final Sink sink;
    private final Runnable onStop;
    private final RateLimiter rate;
    private volatile boolean stopping;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger done = new AtomicInteger();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    /**
     * @param onStop closes every open connection (run once, by {@link #stop})
     */
    public Scanner(List<ScanTarget> targets, int concurrency, double ratePerSecond, Prober prober, Sink sink,
                   Runnable onStop) {
        this.targets = List.copyOf(targets);
        this.concurrency = Math.max(1, concurrency);
        this.prober = prober;
        this.sink = sink;
        this.onStop = onStop;
        this.rate = new RateLimiter(ratePerSecond);
    }

    /**
     * The gate every new connection passes (install it as the runner's connect gate): it throws {@link Stopped}
     * once the scan is stopping and otherwise waits for the rate limit's next slot.
     */
    public void beforeConnect() {
        if (stopping) {
            throw new Stopped();
        }
        try {
            rate.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Stopped();
        }
        if (stopping) {
            throw new Stopped();
        }
    }

    /**
     * The gate of a connection an event loop opens within a probe (an RD Gateway's RDG_IN_DATA leg; install it as
     * the runner's later-connect gate): takes the rate limit's next slot without blocking and returns the
     * nanoseconds to wait for it (at most one interval); throws {@link Stopped} once the scan is stopping.
     */
    public long reserveConnect() {
        if (stopping) {
            throw new Stopped();
        }
        return rate.reserve();
    }

    public boolean stopping() {
        return stopping;
    }

    /** Targets finished so far. */
    public int done() {
        return done.get();
    }

    /** Runs the scan to its end or until {@link #stop}; returns when every worker has ended. */
    public Outcome run() {
        Map<String, ArrayDeque<ScanTarget>> byHost = new LinkedHashMap<>();
        for (ScanTarget t : targets) {
            byHost.computeIfAbsent(t.hostKey(), k -> new ArrayDeque<>()).add(t);
        }
        ConcurrentLinkedQueue<ArrayDeque<ScanTarget>> queue = new ConcurrentLinkedQueue<>(byHost.values());
        int n = Math.min(concurrency, Math.max(1, byHost.size()));
        CountDownLatch ended = new CountDownLatch(n);
        synchronized (workers) {
            for (int i = 0; i < n; i++) {
                Thread w = new Thread(null, () -> {
                    try {
                        work(queue);
                    } finally {
                        ended.countDown();
                    }
                }, "rdp-probe-scan-" + i, 512 * 1024);
                w.setDaemon(true);
                workers.add(w);
            }
            if (!stopping) {
                workers.forEach(Thread::start);
            } else {
                for (int i = 0; i < n; i++) {
                    ended.countDown();
                }
            }
        }
        try {
            ended.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            try {
                ended.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // give up waiting
            }
        }
        int d = done.get();
        List<String> errs = List.copyOf(errors);
        return new Outcome(targets.size(), d, targets.size() - d - errs.size(), stopping, errs);
    }

    private void work(ConcurrentLinkedQueue<ArrayDeque<ScanTarget>> queue) {
        ArrayDeque<ScanTarget> host;
        while (!stopping && (host = queue.poll()) != null) {
            for (ScanTarget t : host) {
                if (stopping) {
                    return;
                }
                Report r;
                try {
                    r = prober.probe(t);
                } catch (Stopped e) {
                    return;
                } catch (RuntimeException | Error e) {
                    if (stopping) {
                        return;
                    }
                    // a bug in the probe must not end the scan: the target is reported as not probed
                    errors.add(t + ": internal error: " + e);
                    continue;
                }
                if (stopping) {
                    return; // cut short by the stop: its report may describe our own close, not the server
                }
                synchronized (sink) {
                    sink.accept(t, r);
                }
                done.incrementAndGet();
            }
        }
    }

    /** Ctrl-C: no new target or connection; the open connections are closed; the running probes end. Idempotent. */
    public void stop() {
        synchronized (workers) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        try {
            onStop.run();
        } finally {
            synchronized (workers) {
                workers.forEach(Thread::interrupt);
            }
        }
    }
}
