package io.rdpprobe.capture;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.ClientError;

/** Causes that only a capture can show (the live probe sees these from the other side). */
public final class CaptureCauses {
    private CaptureCauses() {}

    public static final Cause TLS_ALERT = new Cause("TLS_ALERT",
            "a TLS alert in clear ended the handshake",
            "the alert names the problem: protocol_version / handshake_failure mean no common TLS version or cipher suite "
                    + "(check the server's SCHANNEL settings and the client's TLS policy); certificate alerts come from the client",
            ClientError.of(0x904));
    public static final Cause CLIENT_CLOSED = new Cause("CLIENT_CLOSED",
            "the client closed the connection before the stage completed",
            "the client gave up (user cancel, certificate prompt refused, timeout); look at the client side", null);
    public static final Cause CLIENT_RESET = new Cause("CLIENT_RESET",
            "the client reset the connection (TCP RST) before the stage completed",
            "the client aborted; check the client's logs and any local security software", null);
    public static final Cause MCS_CONNECT_REJECTED = new Cause("MCS_CONNECT_REJECTED",
            "the server rejected the MCS/GCC conference create request",
            "the client's GCC user data was refused (for example unsupported requested protocols copied into core data); "
                    + "check the server's event log", ClientError.of(0x904));
    public static final Cause MALFORMED_REQUEST = new Cause("MALFORMED_REQUEST",
            "the client's data breaks the protocol's framing or field rules",
            "the client (or a scanner) is not speaking RDP correctly", null);
}
