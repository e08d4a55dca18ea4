package io.rdpprobe.report;

import io.rdpprobe.probe.model.Report;
import io.rdpprobe.probe.model.Section;
import io.rdpprobe.probe.model.StageResult;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.probe.model.TranscriptSection;
import io.rdpprobe.probe.model.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One self-contained HTML page for a report: the handshake as an inline-SVG ladder diagram (client, RD Gateway
 * when there is one, server; one arrow per PDU with its name, size and time, the stage bands behind them, the
 * failing or last step in the verdict's colour, each arrow's evidence in its SVG {@code <title>} on hover and,
 * by a link, in the PDU table), the verdict box, the stage table with timings and evidence, certificate chains
 * with their validity against today's date, and any extra sections (the {@code --enumerate} tables). No
 * script, no external resource of any kind (no fonts, images, CSS or links off the page), readable without
 * JavaScript and printable. It shows only what the report holds, which never holds a secret.
 */
public final class HtmlReport {
    /** One arrow of the ladder. {@code peer} is "server" or "gateway"; {@code detail} its evidence line. */
    public record Arrow(long tMs, boolean fromClient, String peer, String stage, String name, int bytes, String detail) {}

    /** A ladder: its arrows and whether it has a gateway column. */
    public record Ladder(List<Arrow> arrows, boolean gateway, int dropped) {
        public static Ladder of(TranscriptSection t) {
            List<Arrow> a = new ArrayList<>();
            boolean gw = false;
            for (TranscriptSection.Entry e : t.pdus()) {
                gw |= TranscriptSection.GATEWAY.equals(e.peer());
                a.add(new Arrow(e.tMs(), ">".equals(e.dir()), e.peer(), e.stage(), e.pdu(), e.bytes(), e.text()));
            }
            return new Ladder(a, gw, t.dropped());
        }
    }

    private HtmlReport() {}

    /** The page for one probe ({@code probe --html}, {@code demo --html}); {@code now} dates the validity bars. */
    public static String probe(Report r, Instant now, String title) {
        StringBuilder b = new StringBuilder(32 * 1024);
        head(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n");
        b.append("<p class=\"meta\">target <b>").append(esc(r.target())).append("</b> &#183; generated ")
                .append(esc(now.toString())).append(" by rdp-probe</p>\n");
        section(b, r, now, "r");
        b.append("</body>\n</html>\n");
        return b.toString();
    }

    /** One connection of a report as a section body (used by {@link #probe} and by the analyze page). */
    static void section(StringBuilder b, Report r, Instant now, String idPrefix) {
        verdictBox(b, r.verdict());
        Ladder ladder = r.section(TranscriptSection.class).map(Ladder::of).orElse(null);
        if (ladder != null) {
            ladder(b, ladder, r.verdict(), idPrefix);
        } else {
            b.append("<p class=\"note\">No ladder: run with <code>--transcript</code> or <code>--html</code> to record the PDUs.</p>\n");
        }
        stageTable(b, r);
        certificates(b, r, now);
        for (Section sec : r.sections()) {
            if (sec instanceof TranscriptSection) {
                continue; // drawn as the ladder
            }
            b.append("<h2>").append(esc(sec.key())).append("</h2>\n");
            value(b, SectionJson.of(sec));
        }
    }

    // ---- page ---------------------------------------------------------------------------------------------

    static void head(StringBuilder b, String title) {
        head(b, title, null);
    }

    /**
     * The page's head; {@code scriptHash} (a CSP hash source such as {@code 'sha256-...'}) allows exactly that one
     * inline script, null none.
     */
    static void head(StringBuilder b, String title, String scriptHash) {
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
                // the page itself forbids every fetch and every script but its own: the browser enforces "self-contained"
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'")
                .append(scriptHash == null ? "" : "; script-src " + scriptHash).append("\"/>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
    }

    private static final String CSS = """
            body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;margin:1.5em;color:#1b1b1b;background:#fff;max-width:1100px}
            h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em;border-bottom:1px solid #ccc}
            .meta,.note{color:#555;font-size:.9em}
            code,.mono,td.ev{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85em}
            table{border-collapse:collapse;width:100%;margin:.3em 0}th,td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
            th{background:#f2f2f2}td.ev{white-space:pre-wrap;word-break:break-all}
            .verdict{border:3px solid;border-radius:6px;padding:.6em 1em;margin:.8em 0}
            .verdict h2{border:0;margin:0 0 .3em}.verdict dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0}
            .verdict dt{font-weight:bold}.verdict dd{margin:0}
            .s-OK{border-color:#2e7d32;background:#eef7ee}.s-WARNING{border-color:#d98200;background:#fff6e5}
            .s-FAILED{border-color:#c62828;background:#fdecec}.s-SKIPPED,.s-NOT_REACHED{border-color:#888;background:#f4f4f4}
            td.st-OK{color:#2e7d32;font-weight:bold}td.st-WARNING{color:#b36b00;font-weight:bold}td.st-FAILED{color:#c62828;font-weight:bold}
            td.st-NOT_REACHED,td.st-SKIPPED{color:#777}
            svg.ladder{width:100%;height:auto;border:1px solid #ddd;background:#fff}
            svg.ladder text{font-family:system-ui,Arial,sans-serif;font-size:11px}
            svg.ladder .col{font-weight:bold;font-size:13px}svg.ladder .t{fill:#555;font-size:10px}
            svg.ladder a:hover line,svg.ladder a:focus line{stroke-width:3}
            tr:target{background:#fff3b0}
            .bar{position:relative;height:14px;background:#eee;border:1px solid #bbb;min-width:200px}
            .bar span{position:absolute;top:0;bottom:0;background:#7fb77e}.bar span.expired{background:#e57373}
            .bar i{position:absolute;top:-3px;bottom:-3px;width:2px;background:#000}
            .idx td a{text-decoration:none}
            svg.chart{width:100%;height:auto;border:1px solid #ddd;background:#fff}svg.chart text{font-family:system-ui,Arial,sans-serif;font-size:12px}
            table.targets th[aria-sort=ascending]::after{content:" \\25B2"}table.targets th[aria-sort=descending]::after{content:" \\25BC"}
            @media print{body{margin:0;max-width:none}svg.ladder{border:0}a{color:inherit;text-decoration:none}
            h2{page-break-after:avoid}tr,.verdict{page-break-inside:avoid}}
            """;

    private static String colour(Status s) {
        return switch (s) {
            case OK -> "#2e7d32";
            case WARNING -> "#d98200";
            case FAILED -> "#c62828";
            default -> "#777777";
        };
    }

    static void verdictBox(StringBuilder b, Verdict v) {
        b.append("<div class=\"verdict s-").append(v.status().name()).append("\" id=\"verdict\">\n<h2>Verdict: ")
                .append(esc(v.status().name()));
        if (v.status() == Status.WARNING) {
            b.append(": ").append(esc(String.valueOf(v.findingStage()))).append(' ').append(esc(v.cause()))
                    .append(" (reached ").append(esc(String.valueOf(v.stage()))).append(')');
        } else if (v.status() == Status.OK) {
            b.append(" at ").append(esc(String.valueOf(v.stage())));
        } else {
            b.append(" at ").append(esc(String.valueOf(v.stage()))).append(" - ").append(esc(v.cause()));
        }
        b.append("</h2>\n<dl>\n");
        dd(b, "stage", v.stage() == null ? null : v.stage().name());
        if (v.findingStage() != null && v.findingStage() != v.stage()) {
            dd(b, "finding's stage", v.findingStage().name());
        }
        dd(b, "cause", v.cause());
        dd(b, "summary", v.summary());
        dd(b, "remedy", v.remedy());
        dd(b, "mstsc would show", v.clientError() == null ? "unknown" : v.clientError().display());
        dd(b, "inferred", v.inferred() ? "yes: the cause is inferred from the evidence, not stated by the server" : "no");
        if (!v.notTried().isEmpty()) {
            dd(b, "not tried", String.join(", ", v.notTried()));
        }
        dd(b, "to go further", v.goFurther());
        b.append("</dl>\n</div>\n");
    }

    private static void dd(StringBuilder b, String k, String v) {
        if (v != null) {
            b.append("<dt>").append(esc(k)).append("</dt><dd>").append(esc(v)).append("</dd>\n");
        }
    }

    // ---- ladder -------------------------------------------------------------------------------------------

    static void ladder(StringBuilder b, Ladder l, Verdict v, String id) {
        List<Arrow> as = l.arrows();
        b.append("<h2>Handshake ladder</h2>\n");
        if (as.isEmpty()) {
            b.append("<p class=\"note\">No PDU was exchanged.</p>\n");
            return;
        }
        int w = 960, top = 56, row = 24, h = top + row * as.size() + 16;
        int xc = 200, xs = l.gateway() ? 910 : 860, xg = 555;
        // the failing or last step: the last PDU of the verdict's stage, else the last PDU
        int mark = as.size() - 1;
        if (v.stage() != null) {
            for (int i = as.size() - 1; i >= 0; i--) {
                if (v.stage().name().equals(as.get(i).stage())) {
                    mark = i;
                    break;
                }
            }
        }
        String markColour = colour(v.status());
        b.append("<svg class=\"ladder\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" role=\"img\" aria-label=\"handshake ladder, ").append(as.size()).append(" PDUs\">\n");
        b.append("<defs><marker id=\"").append(id).append("-ah\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\">")
                .append("<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#333\"/></marker>")
                .append("<marker id=\"").append(id).append("-am\" markerWidth=\"8\" markerHeight=\"8\" refX=\"7\" refY=\"4\" orient=\"auto\">")
                .append("<path d=\"M0,0 L8,4 L0,8 z\" fill=\"").append(markColour).append("\"/></marker></defs>\n");
        // stage bands
        String[] fills = {"#f3f6fb", "#fbf7ef"};
        int band = 0;
        for (int i = 0; i < as.size(); ) {
            int j = i;
            while (j + 1 < as.size() && as.get(j + 1).stage().equals(as.get(i).stage())) {
                j++;
            }
            int y0 = top + row * i - 4, y1 = top + row * (j + 1) - 4;
            b.append("<g class=\"band\"><rect x=\"0\" y=\"").append(y0).append("\" width=\"").append(w).append("\" height=\"")
                    .append(y1 - y0).append("\" fill=\"").append(fills[band++ % 2]).append("\"/>")
                    .append("<text x=\"6\" y=\"").append(y0 + 14).append("\" fill=\"#445\" font-weight=\"bold\">")
                    .append(esc(as.get(i).stage())).append("</text></g>\n");
            i = j + 1;
        }
        // columns
        column(b, xc, h, "client");
        if (l.gateway()) {
            column(b, xg, h, "RD Gateway");
        }
        column(b, xs, h, "server");
        for (int i = 0; i < as.size(); i++) {
            Arrow a = as.get(i);
            int y = top + row * i + 12;
            int far = TranscriptSection.GATEWAY.equals(a.peer()) ? xg : xs;
            int x1 = a.fromClient() ? xc : far, x2 = a.fromClient() ? far : xc;
            boolean marked = i == mark;
            String col = marked ? markColour : "#333";
            b.append("<a href=\"#").append(id).append("-pdu-").append(i).append("\"><g class=\"pdu").append(marked ? " mark" : "")
                    .append("\"><title>").append(esc(a.name() + " - " + a.bytes() + " bytes at +" + a.tMs() + " ms ("
                            + a.stage() + ", " + (a.fromClient() ? "client to " + a.peer() : a.peer() + " to client") + ")\n"
                            + a.detail())).append("</title>")
                    .append("<line x1=\"").append(x1).append("\" y1=\"").append(y).append("\" x2=\"").append(x2 + (x2 > x1 ? -2 : 2))
                    .append("\" y2=\"").append(y).append("\" stroke=\"").append(col).append("\" stroke-width=\"")
                    .append(marked ? 3 : 1.5).append("\" marker-end=\"url(#").append(id).append(marked ? "-am" : "-ah").append(")\"/>")
                    .append("<text x=\"").append((x1 + x2) / 2).append("\" y=\"").append(y - 4).append("\" text-anchor=\"middle\"")
                    .append(marked ? " fill=\"" + col + "\" font-weight=\"bold\"" : "").append('>')
                    .append(esc(shorten(a.name(), far == xg ? 52 : 108) + " (" + a.bytes() + " B)")).append("</text>")
                    .append("<text class=\"t\" x=\"").append(xc - 8).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">+")
                    .append(a.tMs()).append(" ms</text></g></a>\n");
        }
        b.append("</svg>\n");
        if (l.dropped() > 0) {
            b.append("<p class=\"note\">").append(l.dropped()).append(" more entries were not recorded (the transcript is bounded).</p>\n");
        }
        b.append("<h2>PDUs</h2>\n<table class=\"pdus\"><tr><th>#</th><th>+ms</th><th>stage</th><th>direction</th><th>PDU</th><th>bytes</th><th>evidence</th></tr>\n");
        for (int i = 0; i < as.size(); i++) {
            Arrow a = as.get(i);
            b.append("<tr id=\"").append(id).append("-pdu-").append(i).append("\"><td>").append(i + 1).append("</td><td>")
                    .append(a.tMs()).append("</td><td>").append(esc(a.stage())).append("</td><td>")
                    .append(a.fromClient() ? "client &#8594; " + esc(a.peer()) : esc(a.peer()) + " &#8594; client").append("</td><td>")
                    .append(esc(a.name())).append("</td><td>").append(a.bytes()).append("</td><td class=\"ev\">")
                    .append(esc(a.detail())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    private static void column(StringBuilder b, int x, int h, String label) {
        b.append("<text class=\"col\" x=\"").append(x).append("\" y=\"22\" text-anchor=\"middle\">").append(esc(label))
                .append("</text><line x1=\"").append(x).append("\" y1=\"30\" x2=\"").append(x).append("\" y2=\"").append(h - 4)
                .append("\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n");
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
    }

    // ---- stages, certificates, extras ----------------------------------------------------------------------

    static void stageTable(StringBuilder b, Report r) {
        b.append("<h2>Stages</h2>\n<table class=\"stages\"><tr><th>stage</th><th>status</th><th>ms</th><th>cause</th><th>summary</th><th>evidence</th></tr>\n");
        for (StageResult s : r.stages()) {
            boolean timed = s.status() != Status.NOT_REACHED && s.status() != Status.SKIPPED;
            b.append("<tr><td>").append(esc(s.stage().name())).append("</td><td class=\"st-").append(s.status().name()).append("\">")
                    .append(esc(s.status().name())).append("</td><td>").append(timed ? String.valueOf(s.elapsedMs()) : "")
                    .append("</td><td>").append(s.cause() == null ? "" : esc(s.cause().code()) + (s.inferred() ? " (inferred)" : ""))
                    .append("</td><td>").append(s.summary() == null ? "" : esc(s.summary())).append("</td><td class=\"ev\">");
            StringBuilder ev = new StringBuilder();
            for (Map.Entry<String, Object> e : s.evidence().entrySet()) {
                if (e.getKey().equals("certificates")) {
                    ev.append("certificates: see below\n");
                    continue;
                }
                ev.append(e.getKey()).append(": ").append(flat(e.getValue())).append('\n');
            }
            b.append(esc(ev.toString().strip())).append("</td></tr>\n");
        }
        b.append("</table>\n");
    }

    static void certificates(StringBuilder b, Report r, Instant now) {
        for (StageResult s : r.stages()) {
            if (!(s.evidence().get("certificates") instanceof List<?> certs) || certs.isEmpty()) {
                continue;
            }
            b.append("<h2>Certificate chain (").append(esc(s.stage().name())).append(")</h2>\n")
                    .append("<table class=\"certs\"><tr><th>#</th><th>subject / issuer</th><th>validity (the black line is today, ")
                    .append(esc(now.toString().substring(0, 10))).append(")</th><th>details</th></tr>\n");
            int i = 0;
            for (Object o : certs) {
                if (!(o instanceof Map<?, ?> m)) {
                    continue;
                }
                b.append("<tr><td>").append(i++).append("</td><td>").append(esc(String.valueOf(m.get("subject"))))
                        .append("<br/><span class=\"meta\">issued by ").append(esc(String.valueOf(m.get("issuer"))))
                        .append("</span></td><td>").append(validity(m.get("notBefore"), m.get("notAfter"), now)).append("</td><td class=\"ev\">");
                StringBuilder d = new StringBuilder();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    String k = String.valueOf(e.getKey());
                    if (!k.equals("subject") && !k.equals("issuer")) {
                        d.append(k).append(": ").append(flat(e.getValue())).append('\n');
                    }
                }
                b.append(esc(d.toString().strip())).append("</td></tr>\n");
            }
            b.append("</table>\n");
        }
    }

    /** A bar from notBefore to notAfter on a scale that includes today; green while valid, red once expired. */
    static String validity(Object notBefore, Object notAfter, Instant now) {
        Instant nb, na;
        try {
            nb = Instant.parse(String.valueOf(notBefore));
            na = Instant.parse(String.valueOf(notAfter));
        } catch (DateTimeParseException e) {
            return esc(notBefore + " .. " + notAfter);
        }
        Instant lo = nb.isBefore(now) ? nb : now, hi = na.isAfter(now) ? na : now;
        long span = Math.max(1, Duration.between(lo, hi).getSeconds());
        double a = 100.0 * Duration.between(lo, nb).getSeconds() / span;
        double z = 100.0 * Duration.between(lo, na).getSeconds() / span;
        double t = 100.0 * Duration.between(lo, now).getSeconds() / span;
        boolean expired = now.isAfter(na), notYet = now.isBefore(nb);
        long days = Math.abs(Duration.between(now, expired ? na : notYet ? nb : na).toDays());
        String state = expired ? "EXPIRED " + days + " days ago" : notYet ? "NOT YET VALID (starts in " + days + " days)"
                : "valid, " + days + " days left";
        return String.format(Locale.ROOT, "<div class=\"bar\" title=\"%s\"><span class=\"%s\" style=\"left:%.1f%%;width:%.1f%%\"></span>"
                        + "<i style=\"left:%.1f%%\"></i></div><span class=\"mono\">%s &#8594; %s</span><br/><b>%s</b>",
                esc(state), expired || notYet ? "expired" : "ok", a, Math.max(0.5, z - a), Math.min(99.5, t),
                esc(String.valueOf(notBefore)), esc(String.valueOf(notAfter)), esc(state));
    }

    /** An extra section: a list of objects as a table (columns: every key), a map as a table of keys, else text. */
    static void value(StringBuilder b, Object v) {
        if (v instanceof Map<?, ?> m) {
            b.append("<table>");
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append("<tr><th>").append(esc(String.valueOf(e.getKey()))).append("</th><td>");
                if (e.getValue() instanceof Collection<?> c && !c.isEmpty() && c.iterator().next() instanceof Map) {
                    value(b, e.getValue());
                } else {
                    b.append(esc(flat(e.getValue())));
                }
                b.append("</td></tr>");
            }
            b.append("</table>\n");
        } else if (v instanceof Collection<?> c && !c.isEmpty() && c.iterator().next() instanceof Map) {
            Set<String> cols = new LinkedHashSet<>();
            for (Object o : c) {
                if (o instanceof Map<?, ?> m) m.keySet().forEach(k -> cols.add(String.valueOf(k)));
            }
            b.append("<table><tr>");
            cols.forEach(k -> b.append("<th>").append(esc(k)).append("</th>"));
            b.append("</tr>\n");
            for (Object o : c) {
                b.append("<tr>");
                Map<?, ?> m = o instanceof Map<?, ?> mm ? mm : Map.of();
                for (String k : cols) {
                    b.append("<td>").append(esc(flat(m.get(k)))).append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</table>\n");
        } else {
            b.append("<p class=\"mono\">").append(esc(flat(v))).append("</p>\n");
        }
    }

    static String flat(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + "=" + flat(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (v instanceof Collection<?> c) {
            List<String> parts = new ArrayList<>();
            c.forEach(x -> parts.add(flat(x)));
            return String.join(", ", parts);
        }
        return String.valueOf(v);
    }

    /**
     * HTML/XML escaping, for text and attribute values alike: the JUnit writer's one escaper (quotes escaped,
     * characters XML 1.0 forbids written as the text {@code \\uXXXX}), so the page stays well formed.
     */
    public static String esc(String s) {
        return JUnitXmlWriter.attribute(s);
    }

    /** For analyze: a page with an index of connections and one section each. */
    public static String analyze(String capture, List<Map.Entry<String, Report>> connections, Instant now) {
        StringBuilder b = new StringBuilder(64 * 1024);
        String title = "rdp-probe analyze " + capture;
        head(b, title);
        b.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">").append(connections.size())
                .append(" RDP connection(s) &#183; generated ").append(esc(now.toString()))
                .append(" by rdp-probe &#183; ladder times are capture time since the connection's first packet</p>\n");
        b.append("<h2>Connections</h2>\n<table class=\"idx\"><tr><th>#</th><th>connection</th><th>verdict</th><th>stage</th><th>cause</th><th>summary</th></tr>\n");
        int i = 0;
        for (Map.Entry<String, Report> e : connections) {
            Verdict v = e.getValue().verdict();
            b.append("<tr><td><a href=\"#c").append(i).append("\">").append(i + 1).append("</a></td><td><a href=\"#c").append(i)
                    .append("\">").append(esc(e.getKey())).append("</a></td><td class=\"st-").append(v.status().name()).append("\">")
                    .append(esc(v.status().name())).append("</td><td>").append(esc(String.valueOf(v.stage()))).append("</td><td>")
                    .append(esc(v.cause())).append(v.inferred() ? " (inferred)" : "").append("</td><td>").append(esc(v.summary()))
                    .append("</td></tr>\n");
            i++;
        }
        b.append("</table>\n");
        i = 0;
        for (Map.Entry<String, Report> e : connections) {
            b.append("<section id=\"c").append(i).append("\">\n<h2 style=\"border-bottom:3px solid #333\">Connection ").append(i + 1)
                    .append(": ").append(esc(e.getKey())).append("</h2>\n");
            section(b, e.getValue(), now, "c" + i);
            b.append("</section>\n");
            i++;
        }
        b.append("</body>\n</html>\n");
        return b.toString();
    }
}
