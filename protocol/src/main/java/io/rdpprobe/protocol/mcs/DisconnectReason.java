package io.rdpprobe.protocol.mcs;

/** T.125 Reason of a Disconnect-Provider-Ultimatum (MS-RDPBCGR 2.2.2.3). Open: 3 bits, 5 named values. */
public record DisconnectReason(int value) {
    public static final DisconnectReason DOMAIN_DISCONNECTED = new DisconnectReason(0);
    public static final DisconnectReason PROVIDER_INITIATED = new DisconnectReason(1);
    public static final DisconnectReason TOKEN_PURGED = new DisconnectReason(2);
    public static final DisconnectReason USER_REQUESTED = new DisconnectReason(3);
    public static final DisconnectReason CHANNEL_PURGED = new DisconnectReason(4);

    public DisconnectReason {
        if (value < 0 || value > 7) throw new IllegalArgumentException("reason is 3 bits");
    }

    public String name() {
        return switch (value) {
            case 0 -> "rn-domain-disconnected";
            case 1 -> "rn-provider-initiated";
            case 2 -> "rn-token-purged";
            case 3 -> "rn-user-requested";
            case 4 -> "rn-channel-purged";
            default -> "UNKNOWN(" + value + ")";
        };
    }

    public String meaning() {
        return switch (value) {
            case 1 -> "the server (an administrator or the server itself) ended the connection";
            case 3 -> "a user requested the disconnect";
            default -> "a reason MS-RDPBCGR says receivers ignore";
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
