package io.rdpprobe.probe.model;

/**
 * The pair of codes the Windows client (mstsc) would show for this failure: the disconnect reason
 * (IMsTscAxEvents::OnDisconnected discReason, e.g. 0x904 "socket closed") and the extended reason
 * (ExtendedDisconnectReasonCode, which equals the server's ERRINFO value, e.g. 0x7 "server denied").
 *
 * @param code     discReason
 * @param extended extended reason, or null when mstsc would show none
 */
public record ClientError(int code, Integer extended) {
    public static ClientError of(int code) {
        return new ClientError(code, null);
    }

    public static ClientError of(int code, int extended) {
        return new ClientError(code, extended);
    }

    /** {@code 0x904} or {@code 0x904 / extended 0x7}. */
    public String display() {
        return extended == null ? String.format("0x%X", code) : String.format("0x%X / extended 0x%X", code, extended);
    }
}
