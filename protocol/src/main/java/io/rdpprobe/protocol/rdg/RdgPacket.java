package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** One MS-TSGU HTTP transport packet (2.2.10). */
public sealed interface RdgPacket permits HandshakeRequest, HandshakeResponse, ExtendedAuthMessage, TunnelCreate,
        TunnelResponse, TunnelAuth, TunnelAuthResponse, ChannelCreate, ChannelResponse, DataPacket, ServiceMessage,
        ReauthMessage, Keepalive, CloseChannel, UnknownPacket {

    int packetType();

    /** The whole packet's length, header included. */
    int encodedLength();

    void encode(ByteBuf out);

    /**
     * Decodes the packet at the reader index, dispatching on its type; an unknown type becomes an
     * {@link UnknownPacket}. Consumes exactly packetLength bytes.
     */
    static RdgPacket decode(ByteBuf buf) {
        Wire.need(buf, RdgHeader.SIZE, Layer.RDG, "HTTP_PACKET_HEADER");
        int type = buf.getUnsignedShortLE(buf.readerIndex());
        return switch (type) {
            case RdgPacketType.HANDSHAKE_REQUEST -> HandshakeRequest.decode(buf);
            case RdgPacketType.HANDSHAKE_RESPONSE -> HandshakeResponse.decode(buf);
            case RdgPacketType.EXTENDED_AUTH_MSG -> ExtendedAuthMessage.decode(buf);
            case RdgPacketType.TUNNEL_CREATE -> TunnelCreate.decode(buf);
            case RdgPacketType.TUNNEL_RESPONSE -> TunnelResponse.decode(buf);
            case RdgPacketType.TUNNEL_AUTH -> TunnelAuth.decode(buf);
            case RdgPacketType.TUNNEL_AUTH_RESPONSE -> TunnelAuthResponse.decode(buf);
            case RdgPacketType.CHANNEL_CREATE -> ChannelCreate.decode(buf);
            case RdgPacketType.CHANNEL_RESPONSE -> ChannelResponse.decode(buf);
            case RdgPacketType.DATA -> DataPacket.decode(buf);
            case RdgPacketType.SERVICE_MESSAGE -> ServiceMessage.decode(buf);
            case RdgPacketType.REAUTH_MESSAGE -> ReauthMessage.decode(buf);
            case RdgPacketType.KEEPALIVE -> Keepalive.decode(buf);
            case RdgPacketType.CLOSE_CHANNEL, RdgPacketType.CLOSE_CHANNEL_RESPONSE -> CloseChannel.decode(buf);
            default -> UnknownPacket.decode(buf);
        };
    }
}
