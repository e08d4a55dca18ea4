package io.rdpprobe.probe.model;

import java.util.List;

/**
 * "enumeration" ({@code --enumerate}): one connection per security-protocol request and what the server did with
 * it, and what the probe concluded from the table (worked out by {@code probe.enumerate.Enumeration}).
 *
 * @param nlaRequired              "yes", "no" or "unknown"
 * @param legacyRdpSecurityAllowed "yes", "no" or "unknown" (the encryption table's answer when there is one)
 * @param alwaysSelectsRdp         every answered request selected RDP, whatever was asked
 */
public record EnumerationSection(List<Row> rows, String nlaRequired, String legacyRdpSecurityAllowed,
                                 boolean alwaysSelectsRdp, List<String> notes) implements Section {

    /** The outcome of one request; {@code accepted} only when the server selected exactly what was requested. */
    public record Row(String request, String outcome, String selected, String failureCode, String cause, long elapsedMs,
                      boolean accepted) {}

    public EnumerationSection {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    @Override
    public String key() {
        return "enumeration";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.enumeration(this);
    }
}
