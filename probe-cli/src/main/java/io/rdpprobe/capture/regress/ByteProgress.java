package io.rdpprobe.capture.regress;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * {@code analyze}'s progress bar over the total bytes of all its captures, redrawn in place on stderr
 * ({@code \r}), at most every {@link #EVERY_NANOS} (the analyser reports every few thousand packets; a report
 * inside the interval costs one clock read). {@link #clear} wipes the bar before a report is printed to a terminal
 * shared with stdout; {@link #done} wipes it for good. Only for a terminal: {@link #wanted}.
 */
public final class ByteProgress implements LongConsumer {
    /** At most ten redraws a second. */
    public static final long EVERY_NANOS = 100_000_000L;
    private static final int BAR = 24;

    private final PrintWriter err;
    private final long total;
    private final int files;
    private final LongSupplier clock;
    private long last = Long.MIN_VALUE;
    private long offset;
    private int file;
    private int drawnWidth;
    /** Redraws so far (tests). */
    int draws;

    public ByteProgress(PrintWriter err, long totalBytes, int files, LongSupplier nanoClock) {
        this.err = err;
        this.total = Math.max(1, totalBytes);
        this.files = files;
        this.clock = nanoClock;
    }

    /**
     * Whether to show it: stderr is a terminal, and neither {@code --no-progress}, {@code -q}, JSON on stdout nor
     * {@code CI=true} says otherwise.
     */
    public static boolean wanted(boolean noProgress, boolean quiet, boolean jsonToStdout, Map<String, String> env,
                                 boolean stderrTerminal) {
        return !noProgress && !quiet && !jsonToStdout && !"true".equalsIgnoreCase(env.getOrDefault("CI", ""))
                && stderrTerminal;
    }

    /** Whether this process's stderr is a terminal (Linux: /proc/self/fd/2; elsewhere: a console is attached). */
    public static boolean stderrIsTerminal() {
        try {
            String t = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return t.startsWith("/dev/pts/") || t.startsWith("/dev/tty");
        } catch (Exception e) {
            return System.console() != null;
        }
    }

    /** The next capture starts: {@code before} bytes of the total were in the captures before it. */
    public void startFile(long before) {
        offset = before;
        file++;
    }

    /** {@code pos} bytes of the current capture were read. */
    @Override
    public void accept(long pos) {
        long now = clock.getAsLong();
        if (last != Long.MIN_VALUE && now - last < EVERY_NANOS) {
            return;
        }
        last = now;
        String line = line(offset + pos);
        err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        err.flush();
        drawnWidth = line.length();
        draws++;
    }

    String line(long done) {
        long d = Math.min(Math.max(0, done), total);
        int filled = (int) (d * BAR / total);
        return String.format(Locale.ROOT, "analyze [%s%s] %3d%% %.1f/%.1f MB, capture %d/%d", "#".repeat(filled),
                ".".repeat(BAR - filled), d * 100 / total, d / 1e6, total / 1e6, file, files);
    }

    /** Wipes the bar (if drawn) so that what follows starts on a clean line; the next report redraws it. */
    public void clear() {
        if (drawnWidth > 0) {
            err.print("\r" + " ".repeat(drawnWidth) + "\r");
            err.flush();
            drawnWidth = 0; // redrawn at the next report due, not at once: a report per connection stays cheap
        }
    }

    public void done() {
        clear();
    }
}
