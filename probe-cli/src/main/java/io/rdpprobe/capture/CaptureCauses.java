package io.rdpprobe.capture;

import io.rdpprobe.probe.model.Cause;

/**
 * Causes that only a capture can show (the live probe is the client, so it never sees these). Everything else uses
 * the shared catalogues: {@link io.rdpprobe.probe.model.Causes}, {@link io.rdpprobe.probe.model.TlsCauses},
 * {@link io.rdpprobe.probe.model.SessionCauses}.
 */
public final class CaptureCauses {
    private CaptureCauses() {}

    public static final Cause CLIENT_CLOSED = new Cause("CLIENT_CLOSED",
            "the client closed the connection before the stage completed",
            "the client gave up (user cancel, certificate prompt refused, timeout); look at the client side", null);
    public static final Cause CLIENT_RESET = new Cause("CLIENT_RESET",
            "the client reset the connection (TCP RST) before the stage completed",
            "the client aborted; check the client's logs and any local security software", null);
    public static final Cause PROXY_REFUSED = new Cause("PROXY_REFUSED",
            "the proxy in front of the RDP connection (SOCKS5 or HTTP CONNECT) refused to connect to the destination",
            "check the proxy's rules and that the destination host:port is reachable from the proxy", null);
    public static final Cause MALFORMED_REQUEST = new Cause("MALFORMED_REQUEST",
            "the client's data breaks the protocol's framing or field rules",
            "the client (or a scanner) is not speaking RDP correctly", null);
}
