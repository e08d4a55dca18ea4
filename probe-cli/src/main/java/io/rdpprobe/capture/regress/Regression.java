package io.rdpprobe.capture.regress;

import com.fasterxml.jackson.databind.JsonNode;
import io.rdpprobe.capture.AnalyzedConnection;
import io.rdpprobe.capture.regress.Baseline.CaptureEntry;
import io.rdpprobe.capture.regress.ConnectionVerdict.StageVerdict;
import io.rdpprobe.report.JUnitXmlWriter;
import io.rdpprobe.report.JUnitXmlWriter.TestCase;
import io.rdpprobe.report.ReportJUnit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The regression side of one {@code analyze} run: it keeps each connection's {@link ConnectionVerdict} (a few
 * strings, so thousands are cheap), compares them with the {@code --expect} baseline, writes the
 * {@code --write-expected} baseline and the {@code --junit} file.
 *
 * <p>Captures are named in a baseline relative to the baseline file's directory ({@link CaptureInputs#nameIn});
 * without a baseline file (only {@code --junit}) by the path as given.
 */
public final class Regression {
    /** The one command that regenerates a baseline (written into it). */
    private final String regenerate;
    private final Path expectFile;
    private final Baseline expected;
    private final Path writeFile;
    /** The baseline being replaced by --write-expected, for its hand-added evidence names; may be null. */
    private final Baseline previous;
    private final Map<Path, CaptureRun> runs = new java.util.LinkedHashMap<>();
    private CaptureRun current;

    /** One analysed capture: its path as given, its read error (path-free) or null, its connections. */
    private static final class CaptureRun {
        final Path path;
        final List<ConnectionVerdict> connections = new ArrayList<>();
        String error;

        CaptureRun(Path path) {
            this.path = path;
        }
    }

    /**
     * @param expectFile the {@code --expect} file (read by the caller: {@code expected}), or null
     * @param writeFile  the {@code --write-expected} file, or null; when it exists as a baseline, the evidence names
     *                   it gives are kept
     */
    public Regression(Path expectFile, Baseline expected, Path writeFile, String regenerate) {
        this.expectFile = expectFile;
        this.expected = expected;
        this.writeFile = writeFile;
        this.regenerate = regenerate;
        Baseline prev = null;
        if (writeFile != null && Files.isRegularFile(writeFile)) {
            try {
                prev = writeFile.toAbsolutePath().normalize().equals(expectFile == null ? null
                        : expectFile.toAbsolutePath().normalize()) ? expected : Baseline.read(writeFile);
            } catch (Baseline.BaselineException e) {
                prev = null; // not a baseline (or broken): replaced without carrying anything over
            }
        }
        this.previous = prev;
    }

    /** The captures the baseline names, as files (the captures to analyse when none is given). */
    public List<Path> expectedCaptures() {
        List<Path> out = new ArrayList<>();
        if (expected != null) {
            expected.captures().keySet().forEach(n -> out.add(CaptureInputs.resolveIn(expectFile, n)));
        }
        return out;
    }

    public void begin(Path capture) {
        current = runs.computeIfAbsent(capture, CaptureRun::new);
    }

    public void connection(AnalyzedConnection c) {
        String key = ConnectionVerdict.key(c.firstSeen(), c.report().target());
        Set<String> names = new TreeSet<>();
        if (expected != null) {
            names.addAll(expected.evidenceNames(CaptureInputs.nameIn(expectFile, current.path), key));
        }
        if (previous != null) {
            names.addAll(previous.evidenceNames(CaptureInputs.nameIn(writeFile, current.path), key));
        }
        current.connections.add(ConnectionVerdict.of(c, names));
    }

    /** The end of the current capture; {@code error} says (without its path) why it was not read to its end, or null. */
    public void end(String error) {
        current.error = error;
        current = null;
    }

    /** Connections seen in all captures so far. */
    public int connectionsAnalysed() {
        return runs.values().stream().mapToInt(r -> r.connections.size()).sum();
    }

    /** The run as a baseline named relative to {@code file}'s directory. */
    Baseline asBaseline(Path file) {
        Map<String, CaptureEntry> m = new TreeMap<>();
        for (CaptureRun r : runs.values()) {
            Map<String, ConnectionVerdict> cs = new TreeMap<>();
            r.connections.forEach(c -> cs.put(c.key(), c));
            m.put(CaptureInputs.nameIn(file, r.path), new CaptureEntry(r.error, cs));
        }
        return new Baseline(m, regenerate);
    }

    /** The text of the {@code --write-expected} file. */
    public String baselineText() {
        return asBaseline(writeFile).write();
    }

    /** Every difference from the {@code --expect} baseline, by capture and connection (empty without one). */
    public List<Difference> differences() {
        List<Difference> out = new ArrayList<>();
        if (expected == null) {
            return out;
        }
        Map<String, CaptureEntry> got = asBaseline(expectFile).captures();
        Set<String> names = new TreeSet<>(expected.captures().keySet());
        names.addAll(got.keySet());
        for (String name : names) {
            CaptureEntry e = expected.captures().get(name);
            CaptureEntry g = got.get(name);
            if (e == null) {
                out.add(new Difference(name, null, "capture", "absent (not in the baseline)",
                        g.connections().size() + " connection(s)" + (g.error() == null ? "" : ", error " + g.error())));
                continue;
            }
            if (g == null) {
                Path file = CaptureInputs.resolveIn(expectFile, name);
                out.add(new Difference(name, null, "capture", "analysed", Files.exists(file)
                        ? "not analysed (not among the captures given)" : "missing (no such file: " + name + ")"));
                e.connections().keySet().forEach(k -> out.add(new Difference(name, k, "connection", "present",
                        "missing (the capture was not analysed)")));
                continue;
            }
            if (!Objects.equals(e.error(), g.error())) {
                out.add(new Difference(name, null, "error", show(e.error()), show(g.error())));
            }
            Set<String> keys = new TreeSet<>(e.connections().keySet());
            keys.addAll(g.connections().keySet());
            for (String k : keys) {
                ConnectionVerdict ec = e.connections().get(k);
                ConnectionVerdict gc = g.connections().get(k);
                if (ec == null) {
                    out.add(new Difference(name, k, "connection", "absent (not in the baseline)", gc.brief()));
                } else if (gc == null) {
                    out.add(new Difference(name, k, "connection", ec.brief(), "missing (not in the capture)"));
                } else {
                    compare(name, k, ec, gc, out);
                }
            }
        }
        return out;
    }

    private static void compare(String cap, String key, ConnectionVerdict e, ConnectionVerdict g, List<Difference> out) {
        field(out, cap, key, "verdict.stage", e.stage(), g.stage());
        field(out, cap, key, "verdict.status", e.status(), g.status());
        field(out, cap, key, "verdict.cause", e.cause(), g.cause());
        field(out, cap, key, "verdict.inferred", String.valueOf(e.inferred()), String.valueOf(g.inferred()));
        field(out, cap, key, "verdict.mstsc", e.mstsc(), g.mstsc());
        Set<String> stages = new LinkedHashSet<>(e.stages().keySet());
        stages.addAll(g.stages().keySet());
        for (String s : stages) {
            StageVerdict es = e.stages().get(s);
            StageVerdict gs = g.stages().get(s);
            if (!Objects.equals(es, gs)) {
                out.add(new Difference(cap, key, "stages." + s, es == null ? "no such stage" : es.toString(),
                        gs == null ? "no such stage" : gs.toString()));
            }
        }
        for (Map.Entry<String, JsonNode> ev : e.evidence().entrySet()) {
            JsonNode got = g.evidence().get(ev.getKey());
            if (!sameValue(ev.getValue(), got)) {
                out.add(new Difference(cap, key, "evidence." + ev.getKey(), value(ev.getValue()), value(got)));
            }
        }
    }

    private static void field(List<Difference> out, String cap, String key, String field, String e, String g) {
        if (!Objects.equals(e, g)) {
            out.add(new Difference(cap, key, field, show(e), show(g)));
        }
    }

    private static String show(String s) {
        return s == null ? "null" : s;
    }

    /** Scalars compare by their text (3 and "3" are the same value), the rest as JSON; null and absent are equal. */
    static boolean sameValue(JsonNode e, JsonNode g) {
        boolean en = e == null || e.isNull();
        boolean gn = g == null || g.isNull();
        if (en || gn) {
            return en && gn;
        }
        if (e.isValueNode() && g.isValueNode()) {
            return e.asText().equals(g.asText());
        }
        return e.equals(g);
    }

    private static String value(JsonNode n) {
        return n == null || n.isNull() ? "null (absent)" : n.isValueNode() ? n.asText() : n.toString();
    }

    /**
     * The JUnit XML: a testsuite per capture (by baseline name, else the path as given), a testcase per connection
     * named by its endpoints and stage. Without a baseline a FAILED verdict is a failure (as {@code probe --junit}
     * does for a stage; a WARNING passes with its cause in system-out); with one, a connection fails when it differs
     * (the differences are the failure), and connections or captures missing from the run are failing testcases too.
     */
    public void writeJUnit(JUnitXmlWriter w, List<Difference> diffs) {
        Path base = expectFile;
        Map<String, List<TestCase>> suites = new TreeMap<>();
        Map<String, Map<String, List<Difference>>> byConn = new TreeMap<>();
        for (Difference d : diffs) {
            byConn.computeIfAbsent(d.capture(), x -> new TreeMap<>()).computeIfAbsent(
                    d.connection() == null ? "" : d.connection(), x -> new ArrayList<>()).add(d);
        }
        for (CaptureRun r : runs.values()) {
            String name = base == null ? CaptureInputs.slashes(r.path) : CaptureInputs.nameIn(base, r.path);
            List<TestCase> cases = suites.computeIfAbsent(name, x -> new ArrayList<>());
            Map<String, List<Difference>> mine = byConn.getOrDefault(name, Map.of());
            List<ConnectionVerdict> sorted = new ArrayList<>(r.connections);
            sorted.sort(java.util.Comparator.comparing(ConnectionVerdict::key));
            for (ConnectionVerdict c : sorted) {
                String cls = "rdp-probe.analyze." + name;
                String tc = c.endpoints() + " " + (c.stage() == null ? "-" : c.stage());
                Duration d = Duration.ofMillis(c.elapsedMs());
                if (expected == null) {
                    cases.add(ReportJUnit.connectionCase(cls, tc, d, c.verdict()));
                } else {
                    List<Difference> ds = mine.getOrDefault(c.key(), List.of());
                    cases.add(ds.isEmpty()
                            ? new TestCase(cls, tc, d, JUnitXmlWriter.PASSED, "as in the baseline: " + ReportJUnit.headline(c.verdict()), null)
                            : failure(cls, tc, d, ds, "got: " + ReportJUnit.headline(c.verdict())));
                }
            }
        }
        // what the run lacks: captures not analysed, connections not in the capture, the capture-level differences
        for (Map.Entry<String, Map<String, List<Difference>>> e : byConn.entrySet()) {
            List<TestCase> cases = suites.computeIfAbsent(e.getKey(), x -> new ArrayList<>());
            String cls = "rdp-probe.analyze." + e.getKey();
            for (Map.Entry<String, List<Difference>> c : e.getValue().entrySet()) {
                if (c.getKey().isEmpty()) {
                    cases.add(0, failure(cls, "capture", null, c.getValue(), null));
                    continue;
                }
                boolean gotIt = runs.values().stream().anyMatch(r -> CaptureInputs.nameIn(base, r.path).equals(e.getKey())
                        && r.connections.stream().anyMatch(x -> x.key().equals(c.getKey())));
                if (!gotIt) {
                    CaptureEntry ec = expected.captures().get(e.getKey());
                    ConnectionVerdict x = ec == null ? null : ec.connections().get(c.getKey());
                    String ep = c.getKey().indexOf(' ') > 0 ? c.getKey().substring(c.getKey().indexOf(' ') + 1) : c.getKey();
                    cases.add(failure(cls, ep + " " + (x == null || x.stage() == null ? "-" : x.stage()), null, c.getValue(), null));
                }
            }
        }
        boolean several = suites.size() > 1;
        if (several) {
            w.startSuites("rdp-probe analyze");
        }
        suites.forEach((name, cases) -> ReportJUnit.writeSuite(w, "rdp-probe analyze " + name, cases));
        if (several) {
            w.endSuites();
        }
    }

    private static TestCase failure(String cls, String name, Duration d, List<Difference> ds, String extra) {
        StringBuilder detail = new StringBuilder();
        ds.forEach(x -> detail.append(x.line()).append('\n'));
        if (extra != null) {
            detail.append(extra).append('\n');
        }
        String msg = ds.get(0).shortLine() + (ds.size() > 1 ? " (and " + (ds.size() - 1) + " more)" : "");
        return new TestCase(cls, name, d, new JUnitXmlWriter.Failed(msg, "REGRESSION", detail.toString()));
    }
}
