package io.rdpprobe.report;

import io.rdpprobe.probe.model.CaptureSection;
import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Section;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The human report: one line per stage (name, status, time, summary), then the verdict with cause, remedy and the
 * Windows client's code pair. How much is shown is a {@link Detail} level, the nmap/curl way: {@code -q} the verdict
 * alone, the default the stage lines and the verdict, {@code -v} the evidence under each stage (long hex values
 * abbreviated to their first bytes, length and SHA-256), {@code -vv} every value in full. Empty evidence (null, "",
 * an empty list or map) is never printed. With {@code colour} (a terminal, NO_COLOR unset) FAILED is red and
 * WARNING yellow; never in JSON or files.
 */
public final class TextRenderer {
    /** How much of a report is printed. */
    public enum Detail {
        /** the verdict block alone ({@code -q}) */
        QUIET,
        /** stage lines, the report's sections and the verdict (the default) */
        STAGES,
        /** + the evidence, long hex abbreviated ({@code -v}) */
        EVIDENCE,
        /** + the evidence with every value in full ({@code -vv}) */
        FULL;

        /** The level for {@code -q} and the number of {@code -v} given. */
        public static Detail of(boolean quiet, int verbose) {
            return quiet ? QUIET : verbose <= 0 ? STAGES : verbose == 1 ? EVIDENCE : FULL;
        }
    }

    /** Hex strings longer than this are abbreviated below {@link Detail#FULL}. */
    static final int LONG_HEX = 64;
    private static final java.util.regex.Pattern HEX = java.util.regex.Pattern.compile("[0-9a-fA-F]+");
    private static final String RED = "\u001b[31m";
    private static final String YELLOW = "\u001b[33m";
    private static final String RESET = "\u001b[0m";

    private final Detail detail;
    private final boolean colour;

    public TextRenderer(Detail detail, boolean colour) {
        this.detail = detail;
        this.colour = colour;
    }

    /** {@code true}: every evidence value in full ({@link Detail#FULL}); {@code false}: stage lines ({@link Detail#STAGES}). */
    public TextRenderer(boolean showEvidence) {
        this(showEvidence ? Detail.FULL : Detail.STAGES, false);
    }

    public TextRenderer() {
        this(true);
    }

    /**
     * Whether to colour: only on a terminal, never when NO_COLOR is set to anything but "" (https://no-color.org)
     * or TERM is "dumb".
     */
    public static boolean colourWanted(boolean terminal, java.util.Map<String, String> env) {
        String noColor = env.get("NO_COLOR");
        return terminal && (noColor == null || noColor.isEmpty()) && !"dumb".equals(env.get("TERM"));
    }

    /**
     * The one-line form ({@code --summary}), the same for {@code probe} and {@code analyze}:
     * {@code <start, UTC ISO-8601> <target> <status> <stage> <cause or -> <summary>}.
     */
    public static String summaryLine(java.time.Instant start, Report r) {
        Verdict v = r.verdict();
        return IsoInstant.format(start) + " " + r.target() + " " + v.status() + " " + (v.stage() == null ? "-" : v.stage().name()) + " "
                + (v.cause() == null ? "-" : v.cause()) + " " + v.summary();
    }

    public String render(Report r) {
        if (detail == Detail.QUIET) {
            return verdict(r.verdict(), colour);
        }
        StringBuilder sb = new StringBuilder();
        // analyze: a capture connection is labelled as such (client -> server), the probe's own only when marked
        String heading = r.section(CaptureSection.class).map(CaptureSection::heading).orElse(null);
        sb.append(heading != null ? heading : "rdp-probe " + r.target()).append('\n');
        boolean evidence = detail == Detail.EVIDENCE || detail == Detail.FULL;
        for (StageResult s : r.stages()) {
            String status = String.format("%-11s", s.status().name());
            sb.append(String.format("  %-17s %s %6s  %s%n", s.stage().name(), paint(status, s.status(), colour),
                    s.status() == Status.NOT_REACHED || s.status() == Status.SKIPPED ? "" : s.elapsedMs() + " ms",
                    line(s)));
            if (evidence && !s.evidence().isEmpty()) {
                for (Map.Entry<String, Object> e : s.evidence().entrySet()) {
                    appendEvidence(sb, "      ", e.getKey(), e.getValue());
                }
            }
        }
        for (Section sec : r.sections()) {
            String text = section(sec);
            if (!text.isEmpty()) {
                sb.append('\n').append(text);
            }
        }
        sb.append('\n').append(verdict(r.verdict(), colour));
        return sb.toString();
    }

    /** One section as the default text report prints it, every value in full. */
    public static String text(Section sec) {
        return new TextRenderer(Detail.FULL, false).section(sec);
    }

    /**
     * One section as printed under the stages: the tables in their own layout, a section of named values (gateway,
     * rdpFile, capture, rdpUdp) as "key:" and its values indented, with this renderer's detail level; "" when empty.
     */
    public String section(Section sec) {
        return sec.accept(new SectionText((key, value) -> {
            if (isEmpty(value)) {
                return "";
            }
            StringBuilder b = new StringBuilder(key).append(":\n");
            appendValue(b, "  ", value);
            return b.toString();
        }));
    }

    private static String paint(String text, Status status, boolean colour) {
        if (!colour) {
            return text;
        }
        String code = status == Status.FAILED ? RED : status == Status.WARNING ? YELLOW : null;
        if (code == null) {
            return text;
        }
        String word = text.strip();
        return code + word + RESET + text.substring(word.length()); // the padding stays outside the colour
    }

    private static String line(StageResult s) {
        StringBuilder b = new StringBuilder();
        if (s.cause() != null) {
            b.append(s.cause().code()).append(": ");
        }
        if (s.summary() != null) {
            b.append(s.summary());
        }
        if (s.inferred()) {
            b.append(" [inferred]");
        }
        return b.toString();
    }

    public static String verdict(Verdict v) {
        return verdict(v, false);
    }

    public static String verdict(Verdict v, boolean colour) {
        StringBuilder sb = new StringBuilder();
        switch (v.status()) {
            case OK -> sb.append("Verdict: OK at ").append(v.stage()).append(" - ").append(v.summary()).append('\n');
            case WARNING -> {
                // the finding and its own stage first; the last stage reached in brackets
                sb.append("Verdict: ").append(paint("WARNING", Status.WARNING, colour)).append(": ").append(v.findingStage()).append(' ').append(v.cause())
                        .append(v.inferred() ? " (inferred)" : "").append(" (reached ").append(v.stage()).append(")\n");
                sb.append("  ").append(v.summary()).append('\n');
                if (v.remedy() != null) sb.append("  Fix: ").append(v.remedy()).append('\n');
            }
            default -> {
                sb.append("Verdict: ").append(paint(v.status().name(), v.status(), colour)).append(" at ").append(v.stage()).append(" - ")
                        .append(v.cause()).append(v.inferred() ? " (inferred)" : "").append('\n');
                sb.append("  ").append(v.summary()).append('\n');
                if (v.remedy() != null) sb.append("  Fix: ").append(v.remedy()).append('\n');
                if (v.clientError() != null) {
                    sb.append("  The Windows client would show: ").append(v.clientError().display()).append('\n');
                }
            }
        }
        if (!v.notTried().isEmpty()) {
            sb.append("  Not tried (the probe stopped after ").append(v.stage()).append(" by design): ")
                    .append(String.join(", ", v.notTried())).append('\n');
        }
        if (v.goFurther() != null) {
            sb.append("  To go further: ").append(v.goFurther()).append('\n');
        }
        return sb.toString();
    }

    private void appendEvidence(StringBuilder sb, String indent, String key, Object value) {
        if (isEmpty(value)) {
            return; // never an empty "findings: " line
        }
        if (value instanceof Map<?, ?> || (value instanceof Collection<?> c && !c.isEmpty()
                && !(c.iterator().next() instanceof String || c.iterator().next() instanceof Number))) {
            sb.append(indent).append(key).append(":\n");
            appendValue(sb, indent + "  ", value);
        } else {
            sb.append(indent).append(key).append(": ").append(scalar(value)).append('\n');
        }
    }

    private void appendValue(StringBuilder sb, String indent, Object value) {
        if (value instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                appendEvidence(sb, indent, String.valueOf(e.getKey()), e.getValue());
            }
        } else if (value instanceof List<?> l) {
            int i = 0;
            for (Object o : l) {
                if (o instanceof Map<?, ?> || o instanceof List<?>) {
                    sb.append(indent).append("[").append(i).append("]\n");
                    appendValue(sb, indent + "  ", o);
                } else {
                    sb.append(indent).append("- ").append(scalar(o)).append('\n');
                }
                i++;
            }
        } else {
            sb.append(indent).append(scalar(value)).append('\n');
        }
    }

    private String scalar(Object v) {
        if (v instanceof Collection<?> c) {
            StringBuilder b = new StringBuilder();
            for (Object o : c) {
                if (b.length() > 0) b.append(", ");
                b.append(abbreviate(String.valueOf(o)));
            }
            return b.toString();
        }
        return abbreviate(String.valueOf(v));
    }

    /** A long hex string below {@link Detail#FULL}: its first 16 bytes, its length and its SHA-256. */
    String abbreviate(String s) {
        if (detail == Detail.FULL || s.length() <= LONG_HEX || s.length() % 2 != 0 || !HEX.matcher(s).matches()) {
            return s;
        }
        byte[] bytes = java.util.HexFormat.of().parseHex(s);
        String sha;
        try {
            sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return s.substring(0, 32).toLowerCase(java.util.Locale.ROOT) + "... (" + bytes.length + " bytes, sha256 " + sha
                + "; -vv shows all)";
    }

    /** Nothing worth a line: null, "", an empty collection or map. */
    static boolean isEmpty(Object v) {
        return v == null || (v instanceof CharSequence cs && cs.toString().isBlank())
                || (v instanceof Collection<?> c && c.isEmpty()) || (v instanceof Map<?, ?> m && m.isEmpty());
    }
}
