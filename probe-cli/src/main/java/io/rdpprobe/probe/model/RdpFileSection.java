package io.rdpprobe.probe.model;

import java.util.List;

/**
 * "rdpFile" ({@code --rdp-file}): the .rdp file, the settings the probe used and ignored, the file's problem lines
 * and notes on what the probe does differently from mstsc. Never a secret: a password line is named, not copied.
 */
public record RdpFileSection(String file, List<String> used, List<String> ignored, List<String> problems,
                             List<String> notes) implements Section {
    public RdpFileSection {
        used = List.copyOf(used);
        ignored = List.copyOf(ignored);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    @Override
    public String key() {
        return "rdpFile";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.rdpFile(this);
    }
}
