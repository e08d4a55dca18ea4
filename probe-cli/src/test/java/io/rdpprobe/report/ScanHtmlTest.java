package io.rdpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.scan.FleetSummary;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;

/** The scan page from rows shaped as the scan's JSON Lines rows (ReportJson.toMap). */
class ScanHtmlTest {
    static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");

    static Map<String, Object> row(String target, String status, String cause, String notAfter) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        List<Object> stages = new ArrayList<>();
        stages.add(Map.of("stage", "X224", "status", "OK", "evidence", Map.of("selected", "SSL")));
        if (notAfter != null) {
            stages.add(Map.of("stage", "TLS", "status", "OK", "evidence",
                    Map.of("certificates", List.of(Map.of("subject", "CN=x", "notAfter", notAfter)))));
        }
        m.put("stages", stages);
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("stage", "TLS");
        v.put("status", status);
        v.put("cause", cause);
        v.put("summary", "summary of <" + target + ">");
        v.put("inferred", false);
        m.put("verdict", v);
        return m;
    }

    String page(List<Map<String, Object>> rows) throws Exception {
        FleetSummary fs = new FleetSummary(Duration.ofDays(30), NOW);
        StringWriter w = new StringWriter();
        try (ScanHtml h = new ScanHtml(Duration.ofDays(30), NOW)) {
            for (Map<String, Object> r : rows) {
                fs.add(r, false);
                h.add(r);
            }
            fs.scanFacts(rows.size(), 0, 0, 0, false, 1234);
            h.write(w, (Map<?, ?>) fs.toJson(), "scan & test");
        }
        return w.toString();
    }

    static int count(String s, String re) {
        Matcher m = Pattern.compile(re).matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    @Test
    void barsPerVerdictTimelineAndRowsBySeverity() throws Exception {
        String p = page(List.of(
                row("ok1", "OK", null, "2030-01-01T00:00:00Z"),
                row("soon", "WARNING", "CERT_SELF_SIGNED", "2026-12-20T00:00:00Z"),
                row("refused", "FAILED", "CONNECTION_REFUSED", null),
                row("expired", "WARNING", "CERT_EXPIRED", "2026-11-20T00:00:00Z"),
                row("refused2", "FAILED", "CONNECTION_REFUSED", null)));
        // well formed as XML (the one escaper), and the title's '&' escaped
        DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(p.replace("<!DOCTYPE html>", "").getBytes(StandardCharsets.UTF_8)));
        assertThat(p).contains("<title>scan &amp; test</title>").contains("summary of &lt;ok1&gt;");
        assertThat(count(p, "<g class=\"bar\">")).isEqualTo(4); // FAILED C_R, WARNING x2, OK
        assertThat(p).contains(">FAILED CONNECTION_REFUSED</text>");
        assertThat(p).contains("class=\"warn-window\"").contains("class=\"today\"");
        assertThat(count(p, "<rect class=\"expiry\"")).isEqualTo(2); // the 2030 one is off the scale
        assertThat(p).contains("1 later &#9654;");
        List<String> order = new ArrayList<>();
        Matcher m = Pattern.compile("<tr class=\"st-[A-Z_]+\"><td[^>]*>[A-Z_]+</td><td>([^<]+)</td>").matcher(p);
        while (m.find()) order.add(m.group(1));
        assertThat(order).containsExactly("refused", "refused2", "soon", "expired", "ok1");
        // nothing fetched, and the one inline script is exactly the one the CSP's hash allows
        assertThat(p).doesNotContain("src=").doesNotContain("href=\"http").doesNotContain("url(http");
        assertThat(count(p, "<script>")).isEqualTo(1);
        String script = p.substring(p.indexOf("<script>") + 8, p.indexOf("</script>"));
        String hash = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(script.getBytes(StandardCharsets.UTF_8)));
        assertThat(p).contains("script-src 'sha256-" + hash + "'");
    }

    @Test
    void anEmptyScanStillMakesAPage() throws Exception {
        String p = page(List.of());
        assertThat(p).contains("No target was probed.").contains("<tbody>\n</tbody>").endsWith("</html>\n");
    }
}
