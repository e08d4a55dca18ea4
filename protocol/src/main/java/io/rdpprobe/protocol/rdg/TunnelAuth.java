package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/**
 * HTTP_TUNNEL_AUTH_PACKET (MS-TSGU 2.2.10.14): fieldsPresent u16, cbClientName u16, clientName (UTF-16LE,
 * with its NUL), then HTTP_TUNNEL_AUTH_PACKET_OPTIONAL (2.2.10.15): statementOfHealth HTTP_BYTE_BLOB when
 * fieldsPresent has SOH (0x1).
 */
public record TunnelAuth(int fieldsPresent, String clientName, HttpBlob statementOfHealth) implements RdgPacket {
    public static final int FIELD_SOH = 0x1;

    public TunnelAuth {
        if (((fieldsPresent & FIELD_SOH) != 0) != (statementOfHealth != null)) {
            throw new IllegalArgumentException("fieldsPresent disagrees with statementOfHealth");
        }
    }

    public static TunnelAuth of(String clientName) {
        return new TunnelAuth(0, clientName, null);
    }

    public static TunnelAuth decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.TUNNEL_AUTH, "TUNNEL_AUTH");
        int fields = RdgCodec.u16(p, "TUNNEL_AUTH.fieldsPresent");
        String name = RdgCodec.readUnicode(p, "TUNNEL_AUTH.clientName");
        HttpBlob soh = (fields & FIELD_SOH) != 0 ? HttpBlob.decode(p, "TUNNEL_AUTH.statementOfHealth") : null;
        return new TunnelAuth(fields, name, soh);
    }

    @Override
    public int packetType() {
        return RdgPacketType.TUNNEL_AUTH;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 2 + RdgCodec.unicodeLength(clientName)
                + (statementOfHealth == null ? 0 : statementOfHealth.encodedLength());
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeShortLE(fieldsPresent);
        RdgCodec.writeUnicode(out, clientName);
        if (statementOfHealth != null) {
            statementOfHealth.encode(out);
        }
    }
}
