package io.rdpprobe.capture.regress;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The captures named on the command line: a file is taken as given (its magic decides); a directory gives the
 * {@code *.pcap}, {@code *.pcapng} and {@code *.cap} files inside it, recursively, sorted by their path relative to
 * the directory ({@code /}-separated, so the order is the same on every machine). What a directory held that was
 * not taken is said, per directory, in {@link #skipped}.
 *
 * @param captures the files to analyse, in order (a given file that does not exist is kept: reading it says why)
 * @param skipped  one line per directory that held other files: which, and why; one per capture named twice
 */
public record CaptureInputs(List<Path> captures, List<String> skipped) {
    /** At most this many skipped names are listed per directory (the rest are counted). */
    static final int NAMES_LISTED = 8;

    public static boolean captureName(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".pcap") || n.endsWith(".pcapng") || n.endsWith(".cap");
    }

    public static CaptureInputs expand(List<Path> given) {
        List<Path> out = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path g : given) {
            if (!Files.isDirectory(g)) {
                out.add(g);
                continue;
            }
            List<Path> found = new ArrayList<>();
            List<String> other = new ArrayList<>();
            try (Stream<Path> s = Files.walk(g)) {
                s.filter(p -> !Files.isDirectory(p)).forEach(p -> {
                    if (captureName(p) && Files.isRegularFile(p)) {
                        found.add(p);
                    } else {
                        other.add(relative(g, p));
                    }
                });
            } catch (IOException | UncheckedIOException e) {
                skipped.add(g + ": cannot list the directory: " + (e instanceof UncheckedIOException u ? u.getCause() : e)
                        .getMessage());
                continue;
            }
            found.sort((a, b) -> relative(g, a).compareTo(relative(g, b)));
            other.sort(null);
            if (found.isEmpty()) {
                // kept as given: reading it says "no capture file in" (exit 3), as for any unreadable input
                out.add(g);
            }
            out.addAll(found);
            if (!other.isEmpty()) {
                List<String> names = other.subList(0, Math.min(NAMES_LISTED, other.size()));
                skipped.add(g + ": skipped " + other.size() + " file(s) not named *.pcap, *.pcapng or *.cap: "
                        + String.join(", ", names) + (other.size() > names.size() ? ", ..." : ""));
            }
        }
        // a file named twice (itself and through its directory, or two spellings) is analysed once
        java.util.Set<Path> seen = new java.util.HashSet<>();
        List<Path> once = new ArrayList<>();
        for (Path p : out) {
            if (seen.add(p.toAbsolutePath().normalize())) {
                once.add(p);
            } else {
                skipped.add(p + ": skipped: named twice (analysed once)");
            }
        }
        return new CaptureInputs(List.copyOf(once), List.copyOf(skipped));
    }

    /** {@code p} relative to {@code base}, {@code /}-separated. */
    static String relative(Path base, Path p) {
        return slashes(base.relativize(p));
    }

    static String slashes(Path p) {
        List<String> parts = new ArrayList<>();
        p.forEach(x -> parts.add(x.toString()));
        return String.join("/", parts);
    }

    /**
     * How a capture is named in a baseline: its path relative to the baseline file's directory, {@code /}-separated
     * ({@code xrdp.pcap}, {@code lab/xrdp.pcap}, {@code ../other/x.pcap}); the same file gets the same name from any
     * working directory.
     */
    public static String nameIn(Path baselineFile, Path capture) {
        Path base = baselineFile.toAbsolutePath().normalize().getParent();
        Path c = capture.toAbsolutePath().normalize();
        if (base == null || (c.getRoot() != null && !c.getRoot().equals(base.getRoot()))) {
            return slashes(c);
        }
        return slashes(base.relativize(c));
    }

    /** The file a baseline's capture name stands for. */
    public static Path resolveIn(Path baselineFile, String name) {
        Path base = baselineFile.toAbsolutePath().normalize().getParent();
        return base == null ? Path.of(name) : base.resolve(name).normalize();
    }
}
