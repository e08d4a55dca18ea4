package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.Arrays;

/** A packet whose type MS-TSGU 2.2.5.3.3 does not define; kept so that a report can name it. */
public record UnknownPacket(int packetType, byte[] body) implements RdgPacket {
    public UnknownPacket {
        body = body.clone();
    }

    public static UnknownPacket decode(ByteBuf buf) {
        int type = buf.readableBytes() >= 2 ? buf.getUnsignedShortLE(buf.readerIndex()) : 0;
        ByteBuf p = RdgCodec.open(buf, type, "UNKNOWN");
        return new UnknownPacket(type, Wire.bytes(p, p.readableBytes(), Layer.RDG, "UNKNOWN.body"));
    }

    @Override
    public byte[] body() {
        return body.clone();
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + body.length;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType, encodedLength());
        out.writeBytes(body);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnknownPacket u && u.packetType == packetType && Arrays.equals(body, u.body);
    }

    @Override
    public int hashCode() {
        return 31 * packetType + Arrays.hashCode(body);
    }
}
