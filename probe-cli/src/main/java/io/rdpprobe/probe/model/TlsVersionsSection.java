package io.rdpprobe.probe.model;

import java.util.List;

/** "tlsVersions" ({@code --enumerate}): one connection per TLS version, each after its own X.224 exchange. */
public record TlsVersionsSection(List<Row> rows) implements Section {

    /** One version: accepted (with the suite negotiated) or why not; {@code deprecated} for TLS 1.0 and 1.1. */
    public record Row(String version, boolean accepted, String cipherSuite, String outcome, boolean deprecated) {}

    public TlsVersionsSection {
        rows = List.copyOf(rows);
    }

    @Override
    public String key() {
        return "tlsVersions";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.tlsVersions(this);
    }
}
