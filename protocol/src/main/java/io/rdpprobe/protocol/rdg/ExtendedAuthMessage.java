package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/**
 * HTTP_EXTENDED_AUTH_PACKET (MS-TSGU 2.2.10.7): errorCode u32, cbBlobLen u16, authBlob (an NTLM message
 * for the SSPI_NTLM extended authentication of 3.3.5.3).
 */
public record ExtendedAuthMessage(long errorCode, HttpBlob authBlob) implements RdgPacket {
    public static ExtendedAuthMessage decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.EXTENDED_AUTH_MSG, "EXTENDED_AUTH_MSG");
        long err = RdgCodec.u32(p, "EXTENDED_AUTH_MSG.errorCode");
        return new ExtendedAuthMessage(err, HttpBlob.decode(p, "EXTENDED_AUTH_MSG.authBlob"));
    }

    @Override
    public int packetType() {
        return RdgPacketType.EXTENDED_AUTH_MSG;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 4 + authBlob.encodedLength();
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeIntLE((int) errorCode);
        authBlob.encode(out);
    }
}
