package io.rdpprobe.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code scan --html FILE}: the fleet summary as one self-contained page: the verdicts by cause as an inline-SVG
 * bar chart, the leaf certificates' expiry on an inline-SVG timeline with the {@code --expiry-warn} window marked,
 * and a table of every target, sorted by severity (FAILED, WARNING, the rest, OK) and sortable by clicking a header
 * (a small inline script, allowed by the page's Content-Security-Policy through its hash and nothing else).
 *
 * <p>It streams: a scan never holds its reports (issue 11). Each target's row is rendered as it finishes, from the
 * same JSON map its JSON Lines row holds (so a resumed scan's earlier rows count exactly like new ones, and the
 * JSON Lines may go to stdout), and appended to a spool file per severity; the timeline keeps only a fixed number
 * of counters. At the end {@link #write} puts the page together from the fleet summary's JSON (the counts per
 * verdict) and copies the spools in severity order, so memory stays bounded however many targets there are. The
 * page holds only what the rows hold (target, verdict, certificate dates), never a secret.
 */
public final class ScanHtml implements AutoCloseable {
    /** Severity order of the table without JavaScript; a row's rank is also its sort key. */
    static final List<String> SEVERITY = List.of("FAILED", "WARNING", "ERROR", "NOT_REACHED", "SKIPPED", "OK");
    /** The timeline: weekly bins from 12 weeks before today to {@code WEEKS_AHEAD} after (or the window's end). */
    static final int WEEKS_BEFORE = 12;
    static final int WEEKS_AHEAD = 52;
    private static final int MAX_SUMMARY = 240;

    private final Duration expiryWarn;
    private final Instant now;
    private final Path dir;
    private final Writer[] spools = new Writer[SEVERITY.size()];
    private final int[] bins;
    private int before;
    private int after;
    private int rows;
    private int certificates;

    public ScanHtml(Duration expiryWarn, Instant now) {
        this.expiryWarn = expiryWarn;
        this.now = now;
        int ahead = (int) Math.max(WEEKS_AHEAD, expiryWarn.toDays() / 7 + 4);
        this.bins = new int[WEEKS_BEFORE + ahead];
        try {
            dir = Files.createTempDirectory("rdp-probe-scan-html");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One target's report, as {@code ReportJson.toMap} gives it (or a parsed JSON Lines row of a resumed scan). */
    public synchronized void add(Map<String, Object> report) {
        rows++;
        String target = String.valueOf(report.get("target")) + (report.get("gateway") != null ? " via " + report.get("gateway") : "");
        Map<?, ?> v = report.get("verdict") instanceof Map<?, ?> m ? m : Map.of();
        String status = v.get("status") == null ? "ERROR" : String.valueOf(v.get("status"));
        int rank = SEVERITY.indexOf(status);
        if (rank < 0) {
            rank = SEVERITY.indexOf("ERROR");
        }
        String cause = v.get("cause") == null ? "" : v.get("cause") + (Boolean.TRUE.equals(v.get("inferred")) ? " (inferred)" : "");
        String stage = v.get("stage") == null ? "" : String.valueOf(v.get("stage"));
        String summary = v.get("summary") == null ? "" : String.valueOf(v.get("summary"));
        if (summary.length() > MAX_SUMMARY) {
            summary = summary.substring(0, MAX_SUMMARY - 1) + "\u2026";
        }
        String selected = "";
        Instant notAfter = null;
        if (report.get("stages") instanceof List<?> stages) {
            for (Object o : stages) {
                if (!(o instanceof Map<?, ?> s) || !(s.get("evidence") instanceof Map<?, ?> ev)) {
                    continue;
                }
                if ("X224".equals(s.get("stage")) && ev.get("selected") != null) {
                    selected = String.valueOf(ev.get("selected"));
                }
                if ("TLS".equals(s.get("stage")) && ev.get("certificates") instanceof List<?> certs && !certs.isEmpty()
                        && certs.get(0) instanceof Map<?, ?> leaf && leaf.get("notAfter") != null) {
                    try {
                        notAfter = Instant.parse(String.valueOf(leaf.get("notAfter")));
                    } catch (java.time.format.DateTimeParseException ignored) {
                        // not a date: no point on the timeline
                    }
                }
            }
        }
        long days = 0;
        if (notAfter != null) {
            certificates++;
            days = Duration.between(now, notAfter).toDays();
            long week = Math.floorDiv(Duration.between(now, notAfter).toHours(), 24 * 7) + WEEKS_BEFORE;
            if (week < 0) {
                before++;
            } else if (week >= bins.length) {
                after++;
            } else {
                bins[(int) week]++;
            }
        }
        StringBuilder b = new StringBuilder(256);
        b.append("<tr class=\"st-").append(esc(status)).append("\"><td class=\"st-").append(esc(status)).append("\" data-v=\"")
                .append(rank).append("\">").append(esc(status)).append("</td><td>").append(esc(target)).append("</td><td>")
                .append(esc(stage)).append("</td><td>").append(esc(cause)).append("</td><td>").append(esc(summary))
                .append("</td><td data-v=\"").append(notAfter == null ? "999999" : String.valueOf(days)).append("\">");
        if (notAfter != null) {
            b.append(esc(notAfter.toString().substring(0, 10))).append(" (").append(days < 0 ? "expired " + -days + " days ago"
                    : days + " days").append(')');
        }
        b.append("</td><td>").append(esc(selected)).append("</td></tr>\n");
        try {
            if (spools[rank] == null) {
                spools[rank] = Files.newBufferedWriter(dir.resolve(rank + ".rows"), StandardCharsets.UTF_8);
            }
            spools[rank].write(b.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the page: {@code summary} is the fleet summary's JSON map ({@code FleetSummary.toJson()}), which gives
     * the counts per verdict and the scan's own facts.
     */
    public synchronized void write(Writer out, Map<?, ?> summary, String title) throws IOException {
        StringBuilder b = new StringBuilder(16 * 1024);
        HtmlReport.head(b, title, SCRIPT_HASH);
        b.append("<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">").append(n(summary.get("probed")))
                .append(" of ").append(n(summary.get("targets"))).append(" target(s) probed");
        if (n(summary.get("resumed")) > 0) {
            b.append(" (").append(n(summary.get("resumed"))).append(" from the resumed file)");
        }
        if (Boolean.TRUE.equals(summary.get("interrupted"))) {
            b.append(" &#183; <b>INTERRUPTED</b>: ").append(n(summary.get("notProbed"))).append(" not probed");
        }
        b.append(" &#183; ").append(String.format(Locale.ROOT, "%.1f s", n(summary.get("elapsedMs")) / 1000.0))
                .append(" &#183; generated ").append(esc(now.toString())).append(" by rdp-probe</p>\n");
        verdictBars(b, summary.get("verdicts") instanceof Map<?, ?> m ? m : Map.of());
        timeline(b);
        b.append("<h2>Targets</h2>\n<p class=\"note\">Sorted by severity; click a column header to sort by it (again to reverse).</p>\n")
                .append("<table class=\"targets sortable\" id=\"targets\"><thead><tr><th>status</th><th>target</th><th>stage</th>")
                .append("<th>cause</th><th>summary</th><th>certificate expires</th><th>selected</th></tr></thead>\n<tbody>\n");
        out.write(b.toString());
        for (int i = 0; i < spools.length; i++) {
            if (spools[i] == null) {
                continue;
            }
            spools[i].close();
            spools[i] = null;
            try (java.io.Reader r = Files.newBufferedReader(dir.resolve(i + ".rows"), StandardCharsets.UTF_8)) {
                r.transferTo(out);
            }
        }
        out.write("</tbody></table>\n<script>" + SCRIPT + "</script>\n</body>\n</html>\n");
        out.flush();
    }

    private static long n(Object o) {
        return o instanceof Number x ? x.longValue() : 0;
    }

    /** Counts per verdict (status and cause), one bar each, longest first, in the status's colour. */
    private static void verdictBars(StringBuilder b, Map<?, ?> verdicts) {
        b.append("<h2>Verdicts by cause</h2>\n");
        if (verdicts.isEmpty()) {
            b.append("<p class=\"note\">No target was probed.</p>\n");
            return;
        }
        List<Map.Entry<String, Long>> l = new ArrayList<>();
        verdicts.forEach((k, v) -> l.add(Map.entry(String.valueOf(k), n(v))));
        l.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        long max = Math.max(1, l.get(0).getValue());
        int row = 22, w = 960, label = 430, h = 10 + row * l.size();
        b.append("<svg class=\"chart bars\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" role=\"img\" aria-label=\"verdicts by cause, ").append(l.size()).append(" bars\">\n");
        int y = 6;
        for (Map.Entry<String, Long> e : l) {
            String status = e.getKey().split(" ", 2)[0];
            double bw = (w - label - 70) * (double) e.getValue() / max;
            b.append("<g class=\"bar\"><title>").append(esc(e.getKey() + ": " + e.getValue())).append("</title>")
                    .append("<text x=\"").append(label - 8).append("\" y=\"").append(y + 14).append("\" text-anchor=\"end\">")
                    .append(esc(shorten(e.getKey(), 64))).append("</text>")
                    .append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"16\" fill=\"%s\"/>",
                            label, y + 2, Math.max(1.0, bw), colour(status)))
                    .append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%d</text>", label + Math.max(1.0, bw) + 6, y + 14,
                            e.getValue()))
                    .append("</g>\n");
            y += row;
        }
        b.append("</svg>\n");
    }

    /** Weekly bins of leaf-certificate expiry around today, the expiry-warn window shaded, today a line. */
    private void timeline(StringBuilder b) {
        b.append("<h2>Certificate expiry</h2>\n<p class=\"note\">").append(certificates)
                .append(" leaf certificate(s) by the week they expire; the shaded band is the --expiry-warn window (")
                .append(expiryWarn.toDays()).append(" days from today)");
        if (before > 0 || after > 0) {
            b.append("; ").append(before).append(" expired earlier than shown, ").append(after).append(" expire later than shown");
        }
        b.append(".</p>\n");
        int w = 960, left = 40, right = 20, top = 16, ph = 120, h = top + ph + 40;
        double bw = (double) (w - left - right) / bins.length;
        int max = 1;
        for (int c : bins) {
            max = Math.max(max, c);
        }
        double xToday = left + WEEKS_BEFORE * bw;
        double xWarn = xToday + Math.min(bins.length - WEEKS_BEFORE, expiryWarn.toDays() / 7.0) * bw;
        b.append("<svg class=\"chart timeline\" viewBox=\"0 0 ").append(w).append(' ').append(h)
                .append("\" role=\"img\" aria-label=\"certificate expiry timeline\">\n")
                .append(String.format(Locale.ROOT, "<rect class=\"warn-window\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"#fff0c2\"><title>--expiry-warn window: %d days</title></rect>\n", xToday, top,
                        Math.max(1.0, xWarn - xToday), ph, expiryWarn.toDays()));
        for (int i = 0; i < bins.length; i++) {
            if (bins[i] == 0) {
                continue;
            }
            double x = left + i * bw;
            double bh = ph * (double) bins[i] / max;
            String fill = i < WEEKS_BEFORE ? "#c62828" : x < xWarn ? "#d98200" : "#2e7d32";
            Instant from = now.plus(Duration.ofDays(7L * (i - WEEKS_BEFORE)));
            b.append(String.format(Locale.ROOT, "<rect class=\"expiry\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                            + "<title>%d certificate(s) expiring in the week from %s</title></rect>\n",
                    x + 0.5, top + ph - bh, Math.max(1.0, bw - 1), bh, fill, bins[i], from.toString().substring(0, 10)));
        }
        if (before > 0) {
            b.append(String.format(Locale.ROOT, "<text class=\"off-scale\" x=\"%d\" y=\"%d\" fill=\"#c62828\" font-weight=\"bold\">"
                    + "&#9664; %d expired earlier</text>", left + 4, top + ph - 6, before));
        }
        if (after > 0) {
            b.append(String.format(Locale.ROOT, "<text class=\"off-scale\" x=\"%d\" y=\"%d\" fill=\"#2e7d32\" font-weight=\"bold\" "
                    + "text-anchor=\"end\">%d later &#9654;</text>", w - right - 4, top + ph - 6, after));
        }
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#999\"/>", left, top + ph,
                w - right, top + ph));
        b.append(String.format(Locale.ROOT, "<line class=\"today\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" "
                + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">today %s</text>", xToday, top - 4, xToday,
                top + ph + 4, xToday, top + ph + 18, esc(now.toString().substring(0, 10))));
        b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">+%d days</text>", xWarn,
                top + ph + 32, expiryWarn.toDays()));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">-%d weeks</text><text x=\"%d\" y=\"%d\" text-anchor=\"end\">+%d weeks</text>",
                left, top + ph + 18, WEEKS_BEFORE, w - right, top + ph + 18, bins.length - WEEKS_BEFORE));
        b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>", left - 4, top + 10, max));
        b.append("</svg>\n");
    }

    private static String colour(String status) {
        return switch (status) {
            case "OK" -> "#2e7d32";
            case "WARNING" -> "#d98200";
            case "FAILED" -> "#c62828";
            default -> "#777777";
        };
    }

    private static String shorten(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "\u2026";
    }

    private static String esc(String s) {
        return HtmlReport.esc(s);
    }

    /**
     * Sorts the targets table by the clicked column (a cell's data-v when it has one, numerically, else its text);
     * a second click reverses. It has no '<' or '&amp;', so the page stays well-formed XML. {@code #sort=N} in the page's address clicks header N once the page has loaded, so a
     * sorted view can be linked.
     */
    static final String SCRIPT = """
            (function(){var t=document.getElementById('targets');if(!t)return;var hs=t.tHead.rows[0].cells;
            function key(r,i){var c=r.cells[i];var v=c.getAttribute('data-v');return v!==null?parseFloat(v):c.textContent.toLowerCase();}
            function sort(i){var b=t.tBodies[0];var rs=Array.prototype.slice.call(b.rows);var d=hs[i].getAttribute('aria-sort')==='ascending'?-1:1;
            rs.sort(function(a,c){var x=key(a,i),y=key(c,i);return x>y?d:y>x?-d:0;});rs.forEach(function(r){b.appendChild(r);});
            for(var j=0;hs.length>j;j++)hs[j].removeAttribute('aria-sort');hs[i].setAttribute('aria-sort',d===1?'ascending':'descending');}
            for(var i=0;hs.length>i;i++){(function(i){hs[i].style.cursor='pointer';hs[i].title='sort by this column';
            hs[i].addEventListener('click',function(){sort(i);});})(i);}
            var m=/sort=(\\d+)/.exec(location.hash);if(m)if(hs[+m[1]])hs[+m[1]].click();})();""";

    /** The CSP source that allows exactly {@link #SCRIPT}. */
    static final String SCRIPT_HASH;

    static {
        try {
            SCRIPT_HASH = "'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(SCRIPT.getBytes(StandardCharsets.UTF_8))) + "'";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes the spool files. */
    @Override
    public synchronized void close() {
        for (int i = 0; i < spools.length; i++) {
            try {
                if (spools[i] != null) {
                    spools[i].close();
                }
                Files.deleteIfExists(dir.resolve(i + ".rows"));
            } catch (IOException ignored) {
                // a temporary file left behind
            }
            spools[i] = null;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // not empty: left behind
        }
    }
}
