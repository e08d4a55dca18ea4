package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * HTTP_HANDSHAKE_RESPONSE_PACKET (MS-TSGU 2.2.10.11): errorCode u32 (HRESULT), verMajor u8, verMinor u8,
 * serverVersion u16, extendedAuth u16 (the schemes the gateway accepts). 18 bytes.
 */
public record HandshakeResponse(long errorCode, int versionMajor, int versionMinor, int serverVersion,
                                int extendedAuth) implements RdgPacket {
    public static final int LENGTH = 18;

    public static HandshakeResponse decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.HANDSHAKE_RESPONSE, "HANDSHAKE_RESPONSE");
        long err = RdgCodec.u32(p, "HANDSHAKE_RESPONSE.errorCode");
        int major = Wire.u8(p, Layer.RDG, "HANDSHAKE_RESPONSE.verMajor");
        int minor = Wire.u8(p, Layer.RDG, "HANDSHAKE_RESPONSE.verMinor");
        int server = RdgCodec.u16(p, "HANDSHAKE_RESPONSE.serverVersion");
        int ext = RdgCodec.u16(p, "HANDSHAKE_RESPONSE.extendedAuth");
        return new HandshakeResponse(err, major, minor, server, ext);
    }

    public RdgStatus status() {
        return new RdgStatus(errorCode);
    }

    @Override
    public int packetType() {
        return RdgPacketType.HANDSHAKE_RESPONSE;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), LENGTH);
        out.writeIntLE((int) errorCode).writeByte(versionMajor).writeByte(versionMinor)
                .writeShortLE(serverVersion).writeShortLE(extendedAuth);
    }
}
