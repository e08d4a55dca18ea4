package io.rdpprobe.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * {@code scan --csv FILE}: one row per target with the headline fields of its report (RFC 4180 quoting), written
 * as each target finishes. The columns are {@link #COLUMNS}; the full report is the JSON Lines row.
 */
public final class ScanCsvWriter implements AutoCloseable {
    public static final List<String> COLUMNS = List.of("target", "gateway", "status", "stage", "cause", "inferred",
            "selected", "tlsVersion", "certSubject", "certNotAfter", "os", "clockSkewMs", "summary");

    private final Writer out;

    public ScanCsvWriter(Writer out) {
        this.out = out;
        line(COLUMNS.stream().map(c -> (Object) c).toList());
    }

    /** One row from a report's JSON map ({@link ReportJson#toMap}). */
    public synchronized void row(Map<String, Object> r) {
        Map<?, ?> v = r.get("verdict") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> x224 = evidence(r, "X224");
        Map<?, ?> tls = evidence(r, "TLS");
        Map<?, ?> cs = evidence(r, "CREDSSP");
        Map<?, ?> leaf = tls.get("certificates") instanceof List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> c
                ? c : Map.of();
        line(java.util.Arrays.asList(r.get("target"), r.get("gateway"), v.get("status"), v.get("stage"), v.get("cause"),
                v.get("inferred"), x224.get("selected") != null ? x224.get("selected") : x224.get("failureCode"),
                tls.get("version"), leaf.get("subject"), leaf.get("notAfter"), cs.get("os"), cs.get("clockSkewMs"),
                v.get("summary")));
    }

    private static Map<?, ?> evidence(Map<String, Object> r, String stage) {
        if (r.get("stages") instanceof List<?> stages) {
            for (Object s : stages) {
                if (s instanceof Map<?, ?> m && stage.equals(m.get("stage")) && m.get("evidence") instanceof Map<?, ?> e) {
                    return e;
                }
            }
        }
        return Map.of();
    }

    private void line(List<Object> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object c = cells.get(i);
            String s = c == null ? "" : String.valueOf(c);
            if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
                s = '"' + s.replace("\"", "\"\"") + '"';
            }
            sb.append(s);
        }
        sb.append("\r\n");
        try {
            out.write(sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
