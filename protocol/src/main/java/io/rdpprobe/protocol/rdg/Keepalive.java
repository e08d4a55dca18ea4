package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/** HTTP_KEEPALIVE_PACKET (MS-TSGU 2.2.10.8): the header alone. */
public record Keepalive() implements RdgPacket {
    public static Keepalive decode(ByteBuf buf) {
        RdgCodec.open(buf, RdgPacketType.KEEPALIVE, "KEEPALIVE");
        return new Keepalive();
    }

    @Override
    public int packetType() {
        return RdgPacketType.KEEPALIVE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), RdgHeader.SIZE);
    }
}
