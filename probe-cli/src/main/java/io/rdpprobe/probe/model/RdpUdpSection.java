package io.rdpprobe.probe.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** "rdpUdp" ({@code analyze}): the handshake facts of one RDP-UDP flow in a capture, which has no stages. */
public record RdpUdpSection(Map<String, Object> facts) implements Section {
    public RdpUdpSection {
        facts = Collections.unmodifiableMap(new LinkedHashMap<>(facts));
    }

    @Override
    public String key() {
        return "rdpUdp";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.rdpUdp(this);
    }
}
