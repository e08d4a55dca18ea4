package io.rdpprobe.probe.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One probe (or one analysed connection): the target, every stage in order, the verdict, and optional typed
 * sections ({@link Section}: the transcript, the {@code --enumerate} tables, the gateway, the capture's facts...),
 * at most one per key, in the order they were added.
 */
public record Report(String target, List<StageResult> stages, Verdict verdict, List<Section> sections) {
    public Report {
        stages = List.copyOf(stages);
        sections = sections == null ? List.of() : List.copyOf(sections);
        for (int i = 0; i < sections.size(); i++) {
            for (int j = 0; j < i; j++) {
                if (sections.get(i).key().equals(sections.get(j).key())) {
                    throw new IllegalArgumentException("two \"" + sections.get(i).key() + "\" sections");
                }
            }
        }
    }

    public Report(String target, List<StageResult> stages) {
        this(target, stages, Verdict.from(stages), List.of());
    }

    /** This report with {@code s}: it replaces a section of the same key in place, else it comes last. */
    public Report withSection(Section s) {
        List<Section> l = new ArrayList<>(sections);
        int i = indexOf(s.key());
        if (i >= 0) {
            l.set(i, s);
        } else {
            l.add(s);
        }
        return new Report(target, stages, verdict, l);
    }

    /** This report with each of {@code more} added as by {@link #withSection}. */
    public Report withSections(List<Section> more) {
        Report r = this;
        for (Section s : more) {
            r = r.withSection(s);
        }
        return r;
    }

    public Report withoutSection(String key) {
        List<Section> l = new ArrayList<>(sections);
        l.removeIf(s -> s.key().equals(key));
        return new Report(target, stages, verdict, l);
    }

    /** The same stages and sections with another verdict. */
    public Report withVerdict(Verdict v) {
        return new Report(target, stages, v, sections);
    }

    public <T extends Section> Optional<T> section(Class<T> type) {
        for (Section s : sections) {
            if (type.isInstance(s)) {
                return Optional.of(type.cast(s));
            }
        }
        return Optional.empty();
    }

    private int indexOf(String key) {
        for (int i = 0; i < sections.size(); i++) {
            if (sections.get(i).key().equals(key)) {
                return i;
            }
        }
        return -1;
    }

    public int exitCode() {
        return verdict.exitCode();
    }
}
