package io.rdpprobe.report;

/** An extra report section that knows how to print itself as text and as JSON-ready data. */
public interface Renderable {
    String toText();

    Object toJson();
}
