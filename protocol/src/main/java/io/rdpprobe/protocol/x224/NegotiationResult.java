package io.rdpprobe.protocol.x224;

/** The negotiation structure a Connection Confirm may carry: RDP_NEG_RSP or RDP_NEG_FAILURE (2.2.1.2). */
public sealed interface NegotiationResult permits NegotiationResponse, NegotiationFailure {
    int SIZE = 8;
}
