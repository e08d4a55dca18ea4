package io.rdpprobe.probe.netty;

/**
 * Which TLS session a {@link BcTlsHandler} belongs to. A probe through an RD Gateway runs two in one
 * pipeline: the gateway's at the bottom, RDP's above the tunnel. Every TLS event carries its layer, and
 * each layer's handler has one name, so the driver can never take the gateway's handshake for RDP's.
 */
public enum TlsLayer {
    /** The RD Gateway's own TLS (GATEWAY_TLS), closest to the socket. */
    GATEWAY("gw-tls"),
    /** RDP's TLS (the TLS stage), inserted just below the driver after the X.224 exchange. */
    RDP("rdp-tls");

    private final String handlerName;

    TlsLayer(String handlerName) {
        this.handlerName = handlerName;
    }

    /** The handler's name in the pipeline. */
    public String handlerName() {
        return handlerName;
    }
}
