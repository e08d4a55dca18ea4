package io.rdpprobe.demo;

import io.rdpprobe.protocol.x224.ConnectionConfirm;
import io.rdpprobe.protocol.x224.ConnectionRequest;
import io.rdpprobe.protocol.x224.FailureCode;
import io.rdpprobe.protocol.x224.NegotiationFailure;
import io.rdpprobe.protocol.x224.NegotiationResponse;
import io.rdpprobe.protocol.x224.Protocols;

/**
 * Server-side security protocol selection as MS-RDPBCGR 3.3.5.3.1 describes it, for a server that supports
 * a set of protocols. Pure: the demo target and tests use it.
 *
 * @param supported the protocols the server allows; {@link #allowsRdp} says whether Standard RDP Security is
 *                  one of them (PROTOCOL_RDP has no bit of its own)
 */
public record Negotiator(int supported, boolean allowsRdp) {
    /** A Connection Confirm answering {@code cr}, as a Windows server configured like this would send. */
    public ConnectionConfirm answer(ConnectionRequest cr) {
        if (cr.negotiation() == null) {
            // legacy client: Standard RDP Security, no negotiation structure
            return new ConnectionConfirm(0, 0x1234, 0, null);
        }
        int req = cr.negotiation().requestedProtocols();
        int flags = NegotiationResponse.EXTENDED_CLIENT_DATA_SUPPORTED;
        for (int p : new int[] {Protocols.HYBRID_EX, Protocols.HYBRID, Protocols.SSL}) {
            if ((req & p) != 0 && (supported & p) != 0) {
                return new ConnectionConfirm(0, 0x1234, 0, new NegotiationResponse(flags, p));
            }
        }
        if (req == Protocols.RDP && allowsRdp) {
            return new ConnectionConfirm(0, 0x1234, 0, new NegotiationResponse(flags, Protocols.RDP));
        }
        FailureCode code;
        boolean tlsCapable = (supported & Protocols.SSL) != 0;
        boolean nlaCapable = (supported & (Protocols.HYBRID | Protocols.HYBRID_EX)) != 0;
        if (!tlsCapable && !nlaCapable) {
            code = FailureCode.SSL_NOT_ALLOWED_BY_SERVER;
        } else if (nlaCapable && !tlsCapable && !allowsRdp) {
            code = FailureCode.HYBRID_REQUIRED_BY_SERVER;
        } else {
            code = FailureCode.SSL_REQUIRED_BY_SERVER;
        }
        return new ConnectionConfirm(0, 0x1234, 0, new NegotiationFailure(code));
    }
}
