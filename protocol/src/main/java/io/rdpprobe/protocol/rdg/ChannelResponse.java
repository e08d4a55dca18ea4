package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/**
 * HTTP_CHANNEL_RESPONSE (MS-TSGU 2.2.10.4): errorCode u32 (HRESULT: the RAP decision and whether the gateway
 * reached the target), fieldsPresent u16, reserved u16, then HTTP_CHANNEL_RESPONSE_OPTIONAL (2.2.10.5) in
 * this order: channelId u32 (0x1), udpPort u16 (0x4), authnCookie HTTP_BYTE_BLOB (0x2).
 */
public record ChannelResponse(long errorCode, int fieldsPresent, Long channelId, Integer udpPort,
                              HttpBlob authnCookie) implements RdgPacket {
    public static final int FIELD_CHANNEL_ID = 0x1;
    public static final int FIELD_AUTHN_COOKIE = 0x2;
    public static final int FIELD_UDP_PORT = 0x4;

    public ChannelResponse {
        if (((fieldsPresent & FIELD_CHANNEL_ID) != 0) != (channelId != null)
                || ((fieldsPresent & FIELD_UDP_PORT) != 0) != (udpPort != null)
                || ((fieldsPresent & FIELD_AUTHN_COOKIE) != 0) != (authnCookie != null)) {
            throw new IllegalArgumentException("fieldsPresent 0x" + Integer.toHexString(fieldsPresent)
                    + " disagrees with the optional fields given");
        }
    }

    public static ChannelResponse of(long errorCode, Long channelId) {
        return new ChannelResponse(errorCode, channelId == null ? 0 : FIELD_CHANNEL_ID, channelId, null, null);
    }

    public static ChannelResponse decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.CHANNEL_RESPONSE, "CHANNEL_RESPONSE");
        long err = RdgCodec.u32(p, "CHANNEL_RESPONSE.errorCode");
        int fields = RdgCodec.u16(p, "CHANNEL_RESPONSE.fieldsPresent");
        RdgCodec.u16(p, "CHANNEL_RESPONSE.reserved");
        Long id = (fields & FIELD_CHANNEL_ID) != 0 ? RdgCodec.u32(p, "CHANNEL_RESPONSE.channelId") : null;
        Integer udp = (fields & FIELD_UDP_PORT) != 0 ? RdgCodec.u16(p, "CHANNEL_RESPONSE.udpPort") : null;
        HttpBlob cookie = (fields & FIELD_AUTHN_COOKIE) != 0 ? HttpBlob.decode(p, "CHANNEL_RESPONSE.authnCookie") : null;
        return new ChannelResponse(err, fields, id, udp, cookie);
    }

    public RdgStatus status() {
        return new RdgStatus(errorCode);
    }

    @Override
    public int packetType() {
        return RdgPacketType.CHANNEL_RESPONSE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 8 + (channelId == null ? 0 : 4) + (udpPort == null ? 0 : 2)
                + (authnCookie == null ? 0 : authnCookie.encodedLength());
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeIntLE((int) errorCode).writeShortLE(fieldsPresent).writeShortLE(0);
        if (channelId != null) {
            out.writeIntLE(channelId.intValue());
        }
        if (udpPort != null) {
            out.writeShortLE(udpPort);
        }
        if (authnCookie != null) {
            authnCookie.encode(out);
        }
    }
}
