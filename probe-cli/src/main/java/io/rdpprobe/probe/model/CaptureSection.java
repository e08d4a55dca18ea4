package io.rdpprobe.probe.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * "capture" ({@code analyze}): the facts of one TCP connection in a capture (its endpoints, the heading it is
 * printed under, reassembly figures, the probe's own markers), as the capture analyser lists them. The facts stay
 * a map of named values because the analyser's set of facts is open; their meaning is decided there, once.
 */
public record CaptureSection(Map<String, Object> facts) implements Section {
    public CaptureSection {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    /** The line the connection is printed under ("capture connection A -> B", or the probe's own), or null. */
    public String heading() {
        return facts.get("heading") instanceof String h ? h : null;
    }

    @Override
    public String key() {
        return "capture";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.capture(this);
    }
}
