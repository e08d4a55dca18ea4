package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;

/** HTTP_SERVICE_MESSAGE (MS-TSGU 2.2.10.13): cbMessageLen u16, then an administrative message in UTF-16LE. */
public record ServiceMessage(String message) implements RdgPacket {
    public static ServiceMessage decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.SERVICE_MESSAGE, "SERVICE_MESSAGE");
        int n = RdgCodec.u16(p, "SERVICE_MESSAGE.cbMessageLen");
        return new ServiceMessage(Wire.utf16z(p, n, Layer.RDG, "SERVICE_MESSAGE.message"));
    }

    @Override
    public int packetType() {
        return RdgPacketType.SERVICE_MESSAGE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 2 + 2 * (message.length() + 1);
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        byte[] b = (message + '\0').getBytes(StandardCharsets.UTF_16LE);
        out.writeShortLE(b.length).writeBytes(b);
    }
}
