package io.rdpprobe.protocol.rdg;

/** HTTP_PACKET_TYPE (MS-TSGU 2.2.5.3.3). */
public final class RdgPacketType {
    private RdgPacketType() {}

    public static final int HANDSHAKE_REQUEST = 0x01;
    public static final int HANDSHAKE_RESPONSE = 0x02;
    public static final int EXTENDED_AUTH_MSG = 0x03;
    public static final int TUNNEL_CREATE = 0x04;
    public static final int TUNNEL_RESPONSE = 0x05;
    public static final int TUNNEL_AUTH = 0x06;
    public static final int TUNNEL_AUTH_RESPONSE = 0x07;
    public static final int CHANNEL_CREATE = 0x08;
    public static final int CHANNEL_RESPONSE = 0x09;
    public static final int DATA = 0x0A;
    public static final int SERVICE_MESSAGE = 0x0B;
    public static final int REAUTH_MESSAGE = 0x0C;
    public static final int KEEPALIVE = 0x0D;
    public static final int CLOSE_CHANNEL = 0x10;
    public static final int CLOSE_CHANNEL_RESPONSE = 0x11;

    /** The spec name without the PKT_TYPE_ prefix, or {@code UNKNOWN(0x..)}. */
    public static String name(int type) {
        return switch (type) {
            case HANDSHAKE_REQUEST -> "HANDSHAKE_REQUEST";
            case HANDSHAKE_RESPONSE -> "HANDSHAKE_RESPONSE";
            case EXTENDED_AUTH_MSG -> "EXTENDED_AUTH_MSG";
            case TUNNEL_CREATE -> "TUNNEL_CREATE";
            case TUNNEL_RESPONSE -> "TUNNEL_RESPONSE";
            case TUNNEL_AUTH -> "TUNNEL_AUTH";
            case TUNNEL_AUTH_RESPONSE -> "TUNNEL_AUTH_RESPONSE";
            case CHANNEL_CREATE -> "CHANNEL_CREATE";
            case CHANNEL_RESPONSE -> "CHANNEL_RESPONSE";
            case DATA -> "DATA";
            case SERVICE_MESSAGE -> "SERVICE_MESSAGE";
            case REAUTH_MESSAGE -> "REAUTH_MESSAGE";
            case KEEPALIVE -> "KEEPALIVE";
            case CLOSE_CHANNEL -> "CLOSE_CHANNEL";
            case CLOSE_CHANNEL_RESPONSE -> "CLOSE_CHANNEL_RESPONSE";
            default -> String.format("UNKNOWN(0x%04x)", type);
        };
    }
}
