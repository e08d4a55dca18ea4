package io.rdpprobe.probe.model;

/**
 * The handshake stages, in the order a connection passes them (MS-RDPBCGR 1.3.1.1). Each has a stable
 * process exit code used when it is the failing stage. The names are the ones printed in reports and JSON.
 */
public enum Stage {
    DNS(10, "name resolution"),
    TCP(11, "TCP connect"),
    GATEWAY_TLS(20, "RD Gateway TLS"),
    GATEWAY_HTTP(21, "RD Gateway HTTP/WebSocket transport and authentication"),
    GATEWAY_TUNNEL(22, "RD Gateway handshake and tunnel (CAP)"),
    GATEWAY_CHANNEL(23, "RD Gateway channel to the target (RAP)"),
    X224(12, "X.224 connection and security negotiation"),
    TLS(13, "TLS handshake and server certificate"),
    KERBEROS(19, "Kerberos: KDC, pre-authentication and the service ticket for the SPN"),
    CREDSSP(14, "CredSSP / NLA authentication"),
    MCS(15, "MCS connect, GCC conference and channel joins"),
    SECURITY_EXCHANGE(16, "Standard RDP Security exchange"),
    LICENSING(17, "licensing"),
    ACTIVATION(18, "capabilities exchange (Demand Active)");

    private final int exitCode;
    private final String description;

    Stage(int exitCode, String description) {
        this.exitCode = exitCode;
        this.description = description;
    }

    /** Process exit code when this stage is the one that failed. */
    public int exitCode() {
        return exitCode;
    }

    public String description() {
        return description;
    }
}
