package io.rdpprobe.report;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import io.rdpprobe.report.JUnitXmlWriter.TestCase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reports as JUnit XML through {@link JUnitXmlWriter}: a probe is one testsuite with a testcase per stage (FAILED
 * is a failure whose message is the verdict, NOT_REACHED and SKIPPED are skipped, OK and WARNING pass, a warning
 * with its cause in system-out); an analysed capture is one testsuite with a testcase per connection, failing when
 * the connection's verdict is FAILED ({@code analyze --expect}: when it differs from the baseline, see
 * io.rdpprobe.capture.regress.Regression).
 */
public final class ReportJUnit {
    private ReportJUnit() {}

    /** The one-line verdict as the text report's headline says it. */
    public static String headline(Verdict v) {
        return TextRenderer.verdict(v).lines().findFirst().orElse("").replaceFirst("^Verdict: ", "");
    }

    public static List<TestCase> stageCases(Report r) {
        List<TestCase> cases = new ArrayList<>();
        String cls = "rdp-probe." + r.target();
        Verdict v = r.verdict();
        for (StageResult s : r.stages()) {
            Duration d = Duration.ofMillis(Math.max(0, s.elapsedMs()));
            String line = (s.cause() == null ? "" : s.cause().code() + ": ") + (s.summary() == null ? "" : s.summary())
                    + (s.inferred() ? " [inferred]" : "");
            JUnitXmlWriter.Outcome o;
            String out = null;
            if (s.status() == Status.FAILED) {
                o = new JUnitXmlWriter.Failed(headline(v), s.cause() == null ? null : s.cause().code(),
                        line + "\n" + TextRenderer.verdict(v));
            } else if (s.status() == Status.NOT_REACHED || s.status() == Status.SKIPPED) {
                o = new JUnitXmlWriter.Skipped(s.status().name());
                d = null;
            } else {
                o = JUnitXmlWriter.PASSED;
                if (s.status() == Status.WARNING) {
                    out = "WARNING " + line;
                }
            }
            cases.add(new TestCase(cls, s.stage().name(), d, o, out, null));
        }
        return cases;
    }

    /** Writes one probe's report as a testsuite. */
    public static void writeProbe(JUnitXmlWriter w, Report r, Instant started) {
        List<TestCase> cases = stageCases(r);
        long total = r.stages().stream().mapToLong(s -> Math.max(0, s.elapsedMs())).sum();
        w.startSuite("rdp-probe " + r.target(), JUnitXmlWriter.Counts.of(cases), Duration.ofMillis(total), started, null);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("target", r.target());
        p.put("verdict", headline(r.verdict()));
        w.properties(p);
        cases.forEach(w::testCase);
        w.endSuite();
    }

    /** Writes the connections of a capture as one testsuite, a testcase per connection. */
    public static void writeCapture(JUnitXmlWriter w, String capture, List<Map.Entry<String, Report>> connections) {
        List<TestCase> cases = new ArrayList<>();
        for (Map.Entry<String, Report> e : connections) {
            Report r = e.getValue();
            long total = r.stages().stream().mapToLong(s -> Math.max(0, s.elapsedMs())).sum();
            cases.add(connectionCase("rdp-probe.analyze." + capture, e.getKey(), Duration.ofMillis(total), r.verdict()));
        }
        writeSuite(w, "rdp-probe analyze " + capture, cases);
    }

    /**
     * One analysed connection as a testcase: a failure when its verdict is FAILED (the headline as message, the cause
     * as type, the verdict text as detail); a WARNING passes with its headline in system-out, as a probe's stage does.
     */
    public static TestCase connectionCase(String classname, String name, Duration time, Verdict v) {
        JUnitXmlWriter.Outcome o = v.status() == Status.FAILED
                ? new JUnitXmlWriter.Failed(headline(v), v.cause(), TextRenderer.verdict(v)) : JUnitXmlWriter.PASSED;
        return new TestCase(classname, name, time, o, v.status() == Status.WARNING ? headline(v) : null, null);
    }

    /** One testsuite with its counts and {@code cases}. */
    public static void writeSuite(JUnitXmlWriter w, String name, List<TestCase> cases) {
        w.startSuite(name, JUnitXmlWriter.Counts.of(cases), null, null, null);
        cases.forEach(w::testCase);
        w.endSuite();
    }
}
