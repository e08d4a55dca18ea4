package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * HTTP_HANDSHAKE_REQUEST_PACKET (MS-TSGU 2.2.10.10): verMajor u8 (1), verMinor u8 (0), clientVersion u16 (0),
 * extendedAuth u16 ({@link ExtendedAuth} flags). 14 bytes.
 */
public record HandshakeRequest(int versionMajor, int versionMinor, int clientVersion, int extendedAuth) implements RdgPacket {
    public static final int LENGTH = 14;

    /** What Windows and FreeRDP send: version 1.0, client version 0. */
    public static HandshakeRequest of(int extendedAuth) {
        return new HandshakeRequest(1, 0, 0, extendedAuth);
    }

    public static HandshakeRequest decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.HANDSHAKE_REQUEST, "HANDSHAKE_REQUEST");
        int major = Wire.u8(p, Layer.RDG, "HANDSHAKE_REQUEST.verMajor");
        int minor = Wire.u8(p, Layer.RDG, "HANDSHAKE_REQUEST.verMinor");
        int client = RdgCodec.u16(p, "HANDSHAKE_REQUEST.clientVersion");
        int ext = RdgCodec.u16(p, "HANDSHAKE_REQUEST.extendedAuth");
        return new HandshakeRequest(major, minor, client, ext);
    }

    @Override
    public int packetType() {
        return RdgPacketType.HANDSHAKE_REQUEST;
    }

    @Override
    public int encodedLength() {
        return LENGTH;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), LENGTH);
        out.writeByte(versionMajor).writeByte(versionMinor).writeShortLE(clientVersion).writeShortLE(extendedAuth);
    }
}
