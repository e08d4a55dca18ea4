package io.rdpprobe.scan;

import java.io.PrintWriter;
import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The scan's progress on stderr: a live bar redrawn in place on a terminal (done/total, rate, ETA, running failure
 * counts by cause), a plain line every {@code plainEveryMs} otherwise, nothing when quiet.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final boolean terminal;
    private final int total;
    private final int alreadyDone;
    private final IntSupplier done;
    private final Supplier<Map<String, Integer>> failures;
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean closed;
    private int lastWidth;

    /**
     * @param alreadyDone targets taken from a resumed file (counted as done, not in the rate)
     */
    public Progress(PrintWriter err, boolean terminal, long plainEveryMs, int total, int alreadyDone, IntSupplier done,
                    Supplier<Map<String, Integer>> failures) {
        this.err = err;
        this.terminal = terminal;
        this.total = total;
        this.alreadyDone = alreadyDone;
        this.done = done;
        this.failures = failures;
        long every = terminal ? 250 : plainEveryMs;
        thread = new Thread(() -> {
            while (!closed) {
                try {
                    Thread.sleep(every);
                } catch (InterruptedException e) {
                    return;
                }
                if (!closed) {
                    print(false);
                }
            }
        }, "rdp-probe-scan-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** The progress text (one line, no line end). */
    String line() {
        int d = done.getAsInt();
        int all = d + alreadyDone;
        double secs = (System.nanoTime() - startNanos) / 1e9;
        double rate = secs > 0 ? d / secs : 0;
        int left = Math.max(0, total - all);
        String eta = rate > 0 ? duration((long) (left / rate)) : "?";
        StringBuilder sb = new StringBuilder();
        if (terminal) {
            int width = 24;
            int filled = total == 0 ? width : (int) ((long) all * width / total);
            sb.append('[').append("#".repeat(filled)).append(".".repeat(width - filled)).append("] ");
        } else {
            sb.append("rdp-probe scan: ");
        }
        sb.append(all).append('/').append(total).append(String.format(" %.1f/s ETA %s", rate, eta));
        Map<String, Integer> f = failures.get();
        if (!f.isEmpty()) {
            sb.append(" | failed:");
            f.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(terminal ? 4 : 12)
                    .forEach(e -> sb.append(' ').append(e.getKey()).append(' ').append(e.getValue()));
        }
        return sb.toString();
    }

    private synchronized void print(boolean last) {
        String l = line();
        if (terminal) {
            err.print('\r' + l + " ".repeat(Math.max(0, lastWidth - l.length())));
            lastWidth = l.length();
            if (last) {
                err.print('\n');
            }
        } else {
            err.println(l);
        }
        err.flush();
    }

    private static String duration(long s) {
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }

    /** Prints the final state and stops. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        thread.interrupt();
        print(true);
    }
}
