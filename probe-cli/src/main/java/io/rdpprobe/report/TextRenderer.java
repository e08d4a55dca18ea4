package io.rdpprobe.report;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.Verdict;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The human report: one line per stage (name, status, time, summary), its evidence indented below, then
 * the verdict with cause, remedy and the Windows client's code pair.
 */
public final class TextRenderer {
    private final boolean showEvidence;

    public TextRenderer(boolean showEvidence) {
        this.showEvidence = showEvidence;
    }

    public TextRenderer() {
        this(true);
    }

    public String render(Report r) {
        StringBuilder sb = new StringBuilder();
        // analyze: a capture connection is labelled as such (client -> server), the probe's own only when marked
        sb.append(r.extra().get("capture") instanceof Map<?, ?> cap && cap.get("heading") instanceof String h ? h
                : "rdp-probe " + r.target()).append('\n');
        for (StageResult s : r.stages()) {
            sb.append(String.format("  %-17s %-11s %6s  %s%n", s.stage().name(), s.status().name(),
                    s.status() == Status.NOT_REACHED || s.status() == Status.SKIPPED ? "" : s.elapsedMs() + " ms",
                    line(s)));
            if (showEvidence && !s.evidence().isEmpty()) {
                for (Map.Entry<String, Object> e : s.evidence().entrySet()) {
                    appendEvidence(sb, "      ", e.getKey(), e.getValue());
                }
            }
        }
        for (Map.Entry<String, Object> e : r.extra().entrySet()) {
            sb.append('\n');
            if (e.getValue() instanceof Renderable rv) {
                sb.append(rv.toText());
            } else {
                sb.append(e.getKey()).append(":\n");
                appendValue(sb, "  ", e.getValue());
            }
        }
        sb.append('\n').append(verdict(r.verdict()));
        return sb.toString();
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
        StringBuilder sb = new StringBuilder();
        switch (v.status()) {
            case OK -> sb.append("Verdict: OK at ").append(v.stage()).append(" - ").append(v.summary()).append('\n');
            case WARNING -> {
                // the finding and its own stage first; the last stage reached in brackets
                sb.append("Verdict: WARNING: ").append(v.findingStage()).append(' ').append(v.cause())
                        .append(v.inferred() ? " (inferred)" : "").append(" (reached ").append(v.stage()).append(")\n");
                sb.append("  ").append(v.summary()).append('\n');
                if (v.remedy() != null) sb.append("  Fix: ").append(v.remedy()).append('\n');
            }
            default -> {
                sb.append("Verdict: ").append(v.status()).append(" at ").append(v.stage()).append(" - ")
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

    private static void appendEvidence(StringBuilder sb, String indent, String key, Object value) {
        if (value instanceof Map<?, ?> || (value instanceof Collection<?> c && !c.isEmpty()
                && !(c.iterator().next() instanceof String || c.iterator().next() instanceof Number))) {
            sb.append(indent).append(key).append(":\n");
            appendValue(sb, indent + "  ", value);
        } else {
            sb.append(indent).append(key).append(": ").append(scalar(value)).append('\n');
        }
    }

    private static void appendValue(StringBuilder sb, String indent, Object value) {
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

    private static String scalar(Object v) {
        if (v instanceof Collection<?> c) {
            StringBuilder b = new StringBuilder();
            for (Object o : c) {
                if (b.length() > 0) b.append(", ");
                b.append(o);
            }
            return b.toString();
        }
        return String.valueOf(v);
    }
}
