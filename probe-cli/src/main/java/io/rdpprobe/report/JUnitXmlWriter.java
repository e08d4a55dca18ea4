package io.rdpprobe.report;

import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A small streaming writer of JUnit XML, the format CI systems (Jenkins, GitLab, GitHub Actions reporters)
 * read: {@code <testsuites>} (optional) holding {@code <testsuite>}s, each with optional
 * {@code <properties>}, then {@code <testcase>}s whose outcome is passed, {@code <failure>}, {@code <error>}
 * or {@code <skipped>}, each with optional {@code <system-out>}/{@code <system-err>}.
 *
 * <p>Nothing is buffered beyond the open elements: each call writes straight to the {@link Writer}, so a
 * scan of thousands of targets needs no memory per test case. Because a suite's counts come before its test
 * cases, {@link #startSuite} takes them when the caller knows them ({@link Counts#of} computes them from a
 * collection) and omits them otherwise; readers then count the test cases.
 *
 * <p>Text and attribute values are escaped; characters XML 1.0 forbids (C0 controls other than tab, line
 * feed and carriage return, U+FFFE, U+FFFF and unpaired surrogates) are written as the visible text
 * {@code \\uXXXX}, since no character reference may stand for them. Durations are written in seconds with
 * millisecond precision ({@code time="1.234"}), timestamps as ISO-8601 UTC without a zone suffix, as
 * Ant's JUnit task writes them.
 *
 * <p>Misuse (a test case outside a suite, properties after a test case, ending what is not open) throws
 * {@link IllegalStateException}; I/O errors are thrown as {@link UncheckedIOException}. Not thread-safe.
 */
public final class JUnitXmlWriter implements Closeable, Flushable {
    /** A suite's totals, written as its {@code tests}, {@code failures}, {@code errors} and {@code skipped}. */
    public record Counts(int tests, int failures, int errors, int skipped) {
        public Counts {
            if (tests < 0 || failures < 0 || errors < 0 || skipped < 0 || failures + errors + skipped > tests) {
                throw new IllegalArgumentException("inconsistent counts: " + tests + "/" + failures + "/" + errors + "/" + skipped);
            }
        }

        public static Counts of(Collection<TestCase> cases) {
            int f = 0, e = 0, s = 0;
            for (TestCase c : cases) {
                Outcome o = c.outcome();
                if (o instanceof Failed) {
                    f++;
                } else if (o instanceof Errored) {
                    e++;
                } else if (o instanceof Skipped) {
                    s++;
                }
            }
            return new Counts(cases.size(), f, e, s);
        }
    }

    /** How a test case ended. */
    public sealed interface Outcome permits Passed, Failed, Errored, Skipped {}

    /** Passed: no child element. */
    public record Passed() implements Outcome {}

    /**
     * An assertion-style failure: {@code <failure message="..." type="...">detail</failure>}; {@code type} and
     * {@code detail} may be null.
     */
    public record Failed(String message, String type, String detail) implements Outcome {
        public Failed {
            Objects.requireNonNull(message, "message");
        }
    }

    /** The test could not run to a result: {@code <error message="..." type="...">detail</error>}. */
    public record Errored(String message, String type, String detail) implements Outcome {
        public Errored {
            Objects.requireNonNull(message, "message");
        }
    }

    /** Not run: {@code <skipped message="..."/>}; {@code message} may be null. */
    public record Skipped(String message) implements Outcome {}

    public static final Outcome PASSED = new Passed();

    /**
     * One {@code <testcase>}. {@code classname} is what CI groups by (for the probe: the target), {@code name}
     * the case (a stage); {@code time}, {@code systemOut} and {@code systemErr} may be null.
     */
    public record TestCase(String classname, String name, Duration time, Outcome outcome, String systemOut,
                           String systemErr) {
        public TestCase {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(outcome, "outcome");
        }

        public TestCase(String classname, String name, Duration time, Outcome outcome) {
            this(classname, name, time, outcome, null, null);
        }
    }

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private enum Open { DOCUMENT, SUITES, SUITE, SUITE_WITH_CASES }

    private final Writer out;
    private final Deque<Open> open = new ArrayDeque<>();
    private boolean closed;
    /** The root suite or suites element has been closed: nothing more may be opened. */
    private boolean closedOnce;

    /** Writes the XML declaration at once; the caller owns nothing else: {@link #close()} closes {@code out}. */
    public JUnitXmlWriter(Writer out) {
        this.out = Objects.requireNonNull(out, "out");
        write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        open.push(Open.DOCUMENT);
    }

    /** Opens {@code <testsuites name="...">}; optional, at most once, before any suite. */
    public JUnitXmlWriter startSuites(String name) {
        if (open.peek() != Open.DOCUMENT || closedOnce) {
            throw new IllegalStateException("<testsuites> must be the root element");
        }
        write("<testsuites");
        attr("name", name);
        write(">\n");
        open.push(Open.SUITES);
        return this;
    }

    /**
     * Opens a {@code <testsuite>}. {@code counts}, {@code time} and {@code timestamp} may be null (then
     * omitted); {@code hostname} may be null.
     */
    public JUnitXmlWriter startSuite(String name, Counts counts, Duration time, Instant timestamp, String hostname) {
        Open top = open.peek();
        if (top != Open.SUITES && !(top == Open.DOCUMENT && !closedOnce)) {
            throw new IllegalStateException("a <testsuite> goes at the root (once) or inside <testsuites>");
        }
        write(top == Open.SUITES ? "  <testsuite" : "<testsuite");
        attr("name", Objects.requireNonNull(name, "name"));
        if (counts != null) {
            attr("tests", Integer.toString(counts.tests()));
            attr("failures", Integer.toString(counts.failures()));
            attr("errors", Integer.toString(counts.errors()));
            attr("skipped", Integer.toString(counts.skipped()));
        }
        if (time != null) {
            attr("time", seconds(time));
        }
        if (timestamp != null) {
            attr("timestamp", TIMESTAMP.format(timestamp.truncatedTo(ChronoUnit.SECONDS)));
        }
        if (hostname != null) {
            attr("hostname", hostname);
        }
        write(">\n");
        open.push(Open.SUITE);
        return this;
    }

    public JUnitXmlWriter startSuite(String name, Counts counts, Duration time) {
        return startSuite(name, counts, time, null, null);
    }

    /** {@code <properties>} of the open suite, in the map's order; only before its first test case. */
    public JUnitXmlWriter properties(Map<String, String> props) {
        if (open.peek() != Open.SUITE) {
            throw new IllegalStateException("<properties> must come first in an open <testsuite>");
        }
        if (props.isEmpty()) {
            return this;
        }
        String in = indent();
        write(in + "<properties>\n");
        for (Map.Entry<String, String> e : props.entrySet()) {
            write(in + "  <property");
            attr("name", e.getKey());
            attr("value", e.getValue() == null ? "" : e.getValue());
            write("/>\n");
        }
        write(in + "</properties>\n");
        return this;
    }

    /** One {@code <testcase>} in the open suite. */
    public JUnitXmlWriter testCase(TestCase tc) {
        Open top = open.peek();
        if (top != Open.SUITE && top != Open.SUITE_WITH_CASES) {
            throw new IllegalStateException("a <testcase> must be inside a <testsuite>");
        }
        if (top == Open.SUITE) {
            open.pop();
            open.push(Open.SUITE_WITH_CASES);
        }
        String in = indent();
        write(in + "<testcase");
        if (tc.classname() != null) {
            attr("classname", tc.classname());
        }
        attr("name", tc.name());
        if (tc.time() != null) {
            attr("time", seconds(tc.time()));
        }
        boolean empty = tc.outcome() instanceof Passed && tc.systemOut() == null && tc.systemErr() == null;
        if (empty) {
            write("/>\n");
            return this;
        }
        write(">\n");
        String in2 = in + "  ";
        Outcome o = tc.outcome();
        if (o instanceof Failed f) {
            problem(in2, "failure", f.message(), f.type(), f.detail());
        } else if (o instanceof Errored e) {
            problem(in2, "error", e.message(), e.type(), e.detail());
        } else if (o instanceof Skipped s) {
            write(in2 + "<skipped");
            if (s.message() != null) {
                attr("message", s.message());
            }
            write("/>\n");
        }
        if (tc.systemOut() != null) {
            write(in2 + "<system-out>" + text(tc.systemOut()) + "</system-out>\n");
        }
        if (tc.systemErr() != null) {
            write(in2 + "<system-err>" + text(tc.systemErr()) + "</system-err>\n");
        }
        write(in + "</testcase>\n");
        return this;
    }

    private void problem(String in, String element, String message, String type, String detail) {
        write(in + "<" + element);
        attr("message", message);
        if (type != null) {
            attr("type", type);
        }
        if (detail == null) {
            write("/>\n");
        } else {
            write(">" + text(detail) + "</" + element + ">\n");
        }
    }

    /** Closes the open {@code <testsuite>}. */
    public JUnitXmlWriter endSuite() {
        Open top = open.peek();
        if (top != Open.SUITE && top != Open.SUITE_WITH_CASES) {
            throw new IllegalStateException("no <testsuite> is open");
        }
        open.pop();
        write(open.peek() == Open.SUITES ? "  </testsuite>\n" : "</testsuite>\n");
        if (open.peek() == Open.DOCUMENT) {
            closedOnce = true;
        }
        return this;
    }

    /** Closes {@code <testsuites>}. */
    public JUnitXmlWriter endSuites() {
        if (open.peek() != Open.SUITES) {
            throw new IllegalStateException("no <testsuites> is open");
        }
        open.pop();
        write("</testsuites>\n");
        closedOnce = true;
        return this;
    }

    @Override
    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Ends every element still open (so an interrupted run still leaves a well-formed file), then flushes and
     * closes the underlying writer. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            while (open.peek() == Open.SUITE || open.peek() == Open.SUITE_WITH_CASES || open.peek() == Open.SUITES) {
                if (open.peek() == Open.SUITES) {
                    endSuites();
                } else {
                    endSuite();
                }
            }
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String indent() {
        return open.contains(Open.SUITES) ? "    " : "  ";
    }

    private void attr(String name, String value) {
        write(" " + name + "=\"" + attribute(value) + "\"");
    }

    private void write(String s) {
        try {
            out.write(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Seconds with millisecond precision, e.g. {@code 0.042}; negative durations are written as 0. */
    public static String seconds(Duration d) {
        long ms = Math.max(0, d.toMillis());
        return String.format(Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000);
    }

    /** Escapes element text: {@code & < >}, and the characters XML 1.0 forbids as {@code \\uXXXX}. */
    public static String text(String s) {
        return escape(s, false);
    }

    /** Escapes an attribute value: also quotes, and tab/LF/CR as character references so they survive. */
    public static String attribute(String s) {
        return escape(s, true);
    }

    private static String escape(String s, boolean attribute) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append(attribute ? "&quot;" : "\"");
                case '\'' -> b.append(attribute ? "&apos;" : "'");
                case '\t' -> b.append(attribute ? "&#9;" : "\t");
                case '\n' -> b.append(attribute ? "&#10;" : "\n");
                case '\r' -> b.append("&#13;");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        b.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0xFFFE || c == 0xFFFF || Character.isSurrogate(c)) {
                        b.append(String.format(Locale.ROOT, "\\u%04X", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
