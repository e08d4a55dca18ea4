package io.rdpprobe.capture.regress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.rdpprobe.capture.regress.ConnectionVerdict.StageVerdict;
import io.rdpprobe.report.ReportJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The baseline of {@code analyze --write-expected FILE} / {@code --expect FILE}: per capture (named relative to
 * FILE's directory, {@link CaptureInputs#nameIn}) its read error or null, and per connection
 * ({@link ConnectionVerdict#key}) the verdict, each stage's status and cause, and optional evidence values.
 *
 * <p>The file is written for diffs: keys sorted (except the stages, in the report's stage order), one line per
 * verdict and per stage, two-space indents, a final line end; no run time, host or absolute path. Layout:
 * <pre>
 * {
 *   "captures": {
 *     "xrdp.pcap": {
 *       "connections": {
 *         "2026-11-20T23:49:17.626019Z 127.0.0.1:49092 -> 127.0.0.1:33891": {
 *           "evidence": {"selected": "SSL"},                  (optional, added by hand; kept on rewrite)
 *           "stages": {
 *             "TCP": {"cause": null, "status": "OK"},
 *             ...
 *           },
 *           "verdict": {"cause": null, "inferred": false, "mstsc": null, "stage": "TLS", "status": "OK"}
 *         }
 *       },
 *       "error": null
 *     }
 *   },
 *   "format": "rdp-probe analyze baseline 1",
 *   "regenerate": "..."
 * }
 * </pre>
 */
public final class Baseline {
    public static final String FORMAT = "rdp-probe analyze baseline 1";

    /** One capture: why it could not be read (fully) or null, and its connections by key. */
    public record CaptureEntry(String error, Map<String, ConnectionVerdict> connections) {
        public CaptureEntry {
            connections = Collections.unmodifiableMap(new TreeMap<>(connections));
        }
    }

    /** The expected file cannot be used: unreadable, not JSON, or not of this layout (the message says where). */
    public static final class BaselineException extends IOException {
        public BaselineException(String message) {
            super(message);
        }
    }

    private final Map<String, CaptureEntry> captures;
    private final String regenerate;

    public Baseline(Map<String, CaptureEntry> captures, String regenerate) {
        this.captures = Collections.unmodifiableMap(new TreeMap<>(captures));
        this.regenerate = regenerate;
    }

    public Map<String, CaptureEntry> captures() {
        return captures;
    }

    /** The command that regenerates this baseline, as the file says it, or null. */
    public String regenerate() {
        return regenerate;
    }

    /** The evidence names the baseline gives for one connection (empty when none). */
    public Set<String> evidenceNames(String capture, String key) {
        CaptureEntry e = captures.get(capture);
        ConnectionVerdict c = e == null ? null : e.connections().get(key);
        return c == null ? Set.of() : c.evidence().keySet();
    }

    /** Every evidence name the baseline gives for a capture's connections. */
    public Set<String> evidenceNames(String capture) {
        Set<String> out = new TreeSet<>();
        CaptureEntry e = captures.get(capture);
        if (e != null) {
            e.connections().values().forEach(c -> out.addAll(c.evidence().keySet()));
        }
        return out;
    }

    /** The file's text. */
    public String write() {
        StringBuilder b = new StringBuilder("{\n  \"captures\": {");
        String sep = "\n";
        for (Map.Entry<String, CaptureEntry> ce : captures.entrySet()) {
            b.append(sep).append("    ").append(json(ce.getKey())).append(": {\n      \"connections\": {");
            sep = ",\n";
            String csep = "\n";
            for (Map.Entry<String, ConnectionVerdict> e : ce.getValue().connections().entrySet()) {
                ConnectionVerdict c = e.getValue();
                b.append(csep).append("        ").append(json(e.getKey())).append(": {\n");
                csep = ",\n";
                if (!c.evidence().isEmpty()) {
                    b.append("          \"evidence\": ").append(ReportJson.line(c.evidence())).append(",\n");
                }
                b.append("          \"stages\": {");
                String ssep = "\n";
                for (Map.Entry<String, StageVerdict> s : c.stages().entrySet()) {
                    Map<String, Object> m = new TreeMap<>();
                    m.put("status", s.getValue().status());
                    m.put("cause", s.getValue().cause());
                    b.append(ssep).append("            ").append(json(s.getKey())).append(": ").append(ReportJson.line(m));
                    ssep = ",\n";
                }
                b.append(c.stages().isEmpty() ? "},\n" : "\n          },\n");
                b.append("          \"verdict\": ").append(ReportJson.line(c.verdictMap())).append("\n        }");
            }
            b.append(ce.getValue().connections().isEmpty() ? "}" : "\n      }");
            b.append(",\n      \"error\": ").append(json(ce.getValue().error())).append("\n    }");
        }
        b.append(captures.isEmpty() ? "},\n" : "\n  },\n");
        b.append("  \"format\": ").append(json(FORMAT)).append(",\n");
        b.append("  \"regenerate\": ").append(json(regenerate)).append("\n}\n");
        return b.toString();
    }

    private static String json(String s) {
        return ReportJson.line(s);
    }

    public static Baseline read(Path file) throws BaselineException {
        JsonNode root;
        try {
            root = ReportJson.mapper().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BaselineException(file + ": no such file");
        } catch (IOException e) {
            throw new BaselineException(file + ": " + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? "not JSON: " + j.getOriginalMessage() : e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new BaselineException(file + ": not a JSON object");
        }
        if (!FORMAT.equals(root.path("format").asText())) {
            throw new BaselineException(file + ": \"format\" is not \"" + FORMAT + "\"");
        }
        JsonNode caps = object(file, root, "captures", "");
        Map<String, CaptureEntry> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = caps.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> ce = it.next();
            String where = "captures." + json(ce.getKey());
            JsonNode cap = ce.getValue();
            if (!cap.isObject()) {
                throw new BaselineException(file + ": " + where + " is not an object");
            }
            JsonNode conns = object(file, cap, "connections", where);
            Map<String, ConnectionVerdict> cs = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> ci = conns.fields(); ci.hasNext(); ) {
                Map.Entry<String, JsonNode> e = ci.next();
                cs.put(e.getKey(), connection(file, where + ".connections." + json(e.getKey()), e.getKey(), e.getValue()));
            }
            JsonNode err = cap.get("error");
            out.put(ce.getKey(), new CaptureEntry(err == null || err.isNull() ? null : err.asText(), cs));
        }
        return new Baseline(out, root.path("regenerate").isTextual() ? root.get("regenerate").asText() : null);
    }

    private static ConnectionVerdict connection(Path file, String where, String key, JsonNode n) throws BaselineException {
        if (!n.isObject()) {
            throw new BaselineException(file + ": " + where + " is not an object");
        }
        JsonNode v = object(file, n, "verdict", where);
        for (String k : List.of("stage", "status", "cause", "inferred", "mstsc")) {
            if (!v.has(k)) {
                throw new BaselineException(file + ": " + where + ".verdict has no \"" + k + "\"");
            }
        }
        JsonNode st = object(file, n, "stages", where);
        Map<String, StageVerdict> stages = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = st.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode s = e.getValue();
            if (!s.isObject() || !s.path("status").isTextual()) {
                throw new BaselineException(file + ": " + where + ".stages." + json(e.getKey()) + " needs {\"status\": ..., \"cause\": ...}");
            }
            stages.put(e.getKey(), new StageVerdict(s.get("status").asText(), text(s.get("cause"))));
        }
        Map<String, JsonNode> evidence = new TreeMap<>();
        JsonNode ev = n.get("evidence");
        if (ev != null && !ev.isNull()) {
            if (!ev.isObject()) {
                throw new BaselineException(file + ": " + where + ".evidence is not an object");
            }
            ev.fields().forEachRemaining(e -> evidence.put(e.getKey(), e.getValue() == null ? NullNode.instance : e.getValue()));
        }
        String endpoints = key.indexOf(' ') > 0 ? key.substring(key.indexOf(' ') + 1) : key;
        return new ConnectionVerdict(key, endpoints, text(v.get("stage")), text(v.get("status")), text(v.get("cause")),
                v.get("inferred").asBoolean(), text(v.get("mstsc")), stages, evidence, null, 0);
    }

    private static String text(JsonNode n) {
        return n == null || n.isNull() ? null : n.asText();
    }

    private static JsonNode object(Path file, JsonNode parent, String name, String where) throws BaselineException {
        JsonNode n = parent.get(name);
        if (n == null || !n.isObject()) {
            throw new BaselineException(file + ": " + (where.isEmpty() ? "" : where + ": ") + "no \"" + name + "\" object");
        }
        return n;
    }
}
