package io.rdpprobe.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.report.JUnitXmlWriter.Counts;
import io.rdpprobe.report.JUnitXmlWriter.Errored;
import io.rdpprobe.report.JUnitXmlWriter.Failed;
import io.rdpprobe.report.JUnitXmlWriter.Skipped;
import io.rdpprobe.report.JUnitXmlWriter.TestCase;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class JUnitXmlWriterTest {
    static Document parse(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void suiteWithEveryOutcomeParsesWithCountsTimesAndText() throws Exception {
        List<TestCase> cases = List.of(
                new TestCase("rdp-probe.host:3389", "DNS", Duration.ofMillis(6), JUnitXmlWriter.PASSED),
                new TestCase("rdp-probe.host:3389", "TLS", Duration.ofMillis(1234),
                        new Failed("CERT_EXPIRED: expired 2021-01-01", "CERT_EXPIRED", "line 1\nline 2"), "evidence", null),
                new TestCase("rdp-probe.host:3389", "MCS", Duration.ofSeconds(2), new Errored("internal error", null, null)),
                new TestCase("rdp-probe.host:3389", "LICENSING", null, new Skipped("NOT_REACHED"), null, "stderr"));
        StringWriter sw = new StringWriter();
        try (JUnitXmlWriter w = new JUnitXmlWriter(sw)) {
            w.startSuite("rdp-probe host:3389", Counts.of(cases), Duration.ofMillis(3240),
                    Instant.parse("2026-12-02T00:10:11.5Z"), "probe-host");
            Map<String, String> props = new LinkedHashMap<>();
            props.put("target", "host:3389");
            props.put("verdict", "FAILED at TLS");
            w.properties(props);
            cases.forEach(w::testCase);
            w.endSuite();
        }
        String xml = sw.toString();
        assertThat(xml).startsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuite ");
        Document d = parse(xml);
        Element suite = d.getDocumentElement();
        assertThat(suite.getTagName()).isEqualTo("testsuite");
        assertThat(suite.getAttribute("tests")).isEqualTo("4");
        assertThat(suite.getAttribute("failures")).isEqualTo("1");
        assertThat(suite.getAttribute("errors")).isEqualTo("1");
        assertThat(suite.getAttribute("skipped")).isEqualTo("1");
        assertThat(suite.getAttribute("time")).isEqualTo("3.240");
        assertThat(suite.getAttribute("timestamp")).isEqualTo("2026-12-02T00:10:11");
        assertThat(suite.getAttribute("hostname")).isEqualTo("probe-host");
        NodeList props = suite.getElementsByTagName("property");
        assertThat(props.getLength()).isEqualTo(2);
        assertThat(((Element) props.item(1)).getAttribute("value")).isEqualTo("FAILED at TLS");
        NodeList tcs = suite.getElementsByTagName("testcase");
        assertThat(tcs.getLength()).isEqualTo(4);
        Element tls = (Element) tcs.item(1);
        assertThat(tls.getAttribute("name")).isEqualTo("TLS");
        assertThat(tls.getAttribute("time")).isEqualTo("1.234");
        Element failure = (Element) tls.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo("CERT_EXPIRED: expired 2021-01-01");
        assertThat(failure.getAttribute("type")).isEqualTo("CERT_EXPIRED");
        assertThat(failure.getTextContent()).isEqualTo("line 1\nline 2");
        assertThat(tls.getElementsByTagName("system-out").item(0).getTextContent()).isEqualTo("evidence");
        assertThat(((Element) tcs.item(0)).getAttribute("time")).isEqualTo("0.006");
        assertThat(((Element) tcs.item(0)).hasChildNodes()).isFalse();
        assertThat(((Element) tcs.item(2)).getElementsByTagName("error").getLength()).isEqualTo(1);
        assertThat(((Element) tcs.item(3)).hasAttribute("time")).isFalse();
        assertThat(((Element) ((Element) tcs.item(3)).getElementsByTagName("skipped").item(0)).getAttribute("message"))
                .isEqualTo("NOT_REACHED");
        assertThat(((Element) tcs.item(3)).getElementsByTagName("system-err").item(0).getTextContent()).isEqualTo("stderr");
    }

    @Test
    void markupQuotesControlCharactersAndSurrogatesAreEscapedSoTheFileStillParses() throws Exception {
        String nasty = "a<b>&\"c'\u0000\u0001\u0007\u000b\u000c\u001f\uFFFE\uFFFF\uD800x\uDC00 \uD83D\uDE00 ]]> tab\tnl\ncr\r";
        StringWriter sw = new StringWriter();
        try (JUnitXmlWriter w = new JUnitXmlWriter(sw)) {
            w.startSuite(nasty, null, null);
            w.testCase(new TestCase(nasty, nasty, Duration.ZERO, new Failed(nasty, nasty, nasty), nasty, nasty));
            w.endSuite();
        }
        Document d = parse(sw.toString());
        Element tc = (Element) d.getElementsByTagName("testcase").item(0);
        String expectedText = "a<b>&\"c'\\u0000\\u0001\\u0007\\u000B\\u000C\\u001F\\uFFFE\\uFFFF\\uD800x\\uDC00 \uD83D\uDE00 ]]> tab\tnl\ncr";
        // attributes keep tab, LF and CR through character references; element text keeps them as they are
        assertThat(tc.getAttribute("name")).isEqualTo(expectedText + "\r");
        Element failure = (Element) tc.getElementsByTagName("failure").item(0);
        assertThat(failure.getAttribute("message")).isEqualTo(expectedText + "\r");
        assertThat(failure.getTextContent()).isEqualTo(expectedText + "\r");
        assertThat(tc.getElementsByTagName("system-out").item(0).getTextContent()).isEqualTo(expectedText + "\r");
        assertThat(d.getDocumentElement().hasAttribute("tests")).isFalse();
    }

    @Test
    void testsuitesWrapsSeveralSuitesAndCloseEndsWhatIsOpen() throws Exception {
        StringWriter sw = new StringWriter();
        JUnitXmlWriter w = new JUnitXmlWriter(sw);
        w.startSuites("rdp-probe scan");
        w.startSuite("a:3389", new Counts(1, 0, 0, 0), Duration.ofMillis(1));
        w.testCase(new TestCase("a", "X224", Duration.ofMillis(1), JUnitXmlWriter.PASSED));
        w.endSuite();
        w.startSuite("b:3389", null, null);
        w.testCase(new TestCase("b", "TCP", Duration.ofMillis(10000), new Failed("CONNECTION_REFUSED", null, null)));
        w.close(); // b's suite and the root still open: closed by close()
        w.close();
        Document d = parse(sw.toString());
        assertThat(d.getDocumentElement().getTagName()).isEqualTo("testsuites");
        assertThat(d.getDocumentElement().getAttribute("name")).isEqualTo("rdp-probe scan");
        assertThat(d.getElementsByTagName("testsuite").getLength()).isEqualTo(2);
        assertThat(((Element) d.getElementsByTagName("testcase").item(1)).getAttribute("time")).isEqualTo("10.000");
    }

    @Test
    void misuseIsRefused() {
        JUnitXmlWriter w = new JUnitXmlWriter(new StringWriter());
        assertThatThrownBy(() -> w.testCase(new TestCase(null, "x", null, JUnitXmlWriter.PASSED)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(w::endSuite).isInstanceOf(IllegalStateException.class);
        w.startSuite("s", null, null);
        w.testCase(new TestCase(null, "x", null, JUnitXmlWriter.PASSED));
        assertThatThrownBy(() -> w.properties(Map.of("k", "v"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(w::endSuites).isInstanceOf(IllegalStateException.class);
        w.endSuite();
        assertThatThrownBy(() -> w.startSuite("second root", null, null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new Counts(1, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void secondsHaveMillisecondPrecision() {
        assertThat(JUnitXmlWriter.seconds(Duration.ofNanos(1_999_999))).isEqualTo("0.001");
        assertThat(JUnitXmlWriter.seconds(Duration.ofMillis(61_005))).isEqualTo("61.005");
        assertThat(JUnitXmlWriter.seconds(Duration.ofMillis(-5))).isEqualTo("0.000");
    }
}
