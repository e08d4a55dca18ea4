package io.rdpprobe.probe.model;

/** "gateway": the RD Gateway (host:port) the probe went through ({@code --gateway}). */
public record GatewaySection(String address) implements Section {
    @Override
    public String key() {
        return "gateway";
    }

    @Override
    public <R> R accept(Visitor<R> v) {
        return v.gateway(this);
    }
}
