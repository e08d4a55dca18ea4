package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/**
 * HTTP_CLOSE_PACKET (MS-TSGU 2.2.10.23): statusCode u32 (HRESULT), sent as PKT_TYPE_CLOSE_CHANNEL or, in
 * answer to one, PKT_TYPE_CLOSE_CHANNEL_RESPONSE.
 */
public record CloseChannel(boolean response, long statusCode) implements RdgPacket {
    public static final int LENGTH = RdgHeader.SIZE + 4;

    public static CloseChannel decode(ByteBuf buf) {
        int type = buf.readableBytes() >= 2 ? buf.getUnsignedShortLE(buf.readerIndex()) : RdgPacketType.CLOSE_CHANNEL;
        boolean response = type == RdgPacketType.CLOSE_CHANNEL_RESPONSE;
        ByteBuf p = RdgCodec.open(buf, response ? RdgPacketType.CLOSE_CHANNEL_RESPONSE : RdgPacketType.CLOSE_CHANNEL,
                response ? "CLOSE_CHANNEL_RESPONSE" : "CLOSE_CHANNEL");
        return new CloseChannel(response, RdgCodec.u32(p, (response ? "CLOSE_CHANNEL_RESPONSE" : "CLOSE_CHANNEL") + ".statusCode"));
    }

    public RdgStatus status() {
        return new RdgStatus(statusCode);
    }

    @Override
    public int packetType() {
        return response ? RdgPacketType.CLOSE_CHANNEL_RESPONSE : RdgPacketType.CLOSE_CHANNEL;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), LENGTH);
        out.writeIntLE((int) statusCode);
    }
}
