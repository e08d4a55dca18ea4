package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** HTTP_REAUTH_MESSAGE (MS-TSGU 2.2.10.12): reauthTunnelContext u64; the gateway asks the client to re-authenticate. */
public record ReauthMessage(long reauthTunnelContext) implements RdgPacket {
    public static ReauthMessage decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.REAUTH_MESSAGE, "REAUTH_MESSAGE");
        return new ReauthMessage(Wire.u64le(p, Layer.RDG, "REAUTH_MESSAGE.reauthTunnelContext"));
    }

    @Override
    public int packetType() {
        return RdgPacketType.REAUTH_MESSAGE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 8;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeLongLE(reauthTunnelContext);
    }
}
