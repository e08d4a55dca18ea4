package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * HTTP_TUNNEL_PACKET (MS-TSGU 2.2.10.18): capsFlags u32 ({@link Capabilities}), fieldsPresent u16,
 * reserved u16, then HTTP_TUNNEL_PACKET_OPTIONAL (2.2.10.19): reauthTunnelContext u64 when REAUTH (0x2),
 * PAA cookie HTTP_BYTE_BLOB when PAA_COOKIE (0x1), in that order.
 *
 * @param reauthContext present exactly when {@code fieldsPresent} has {@link #FIELD_REAUTH}
 * @param paaCookie     present exactly when {@code fieldsPresent} has {@link #FIELD_PAA_COOKIE}; a secret
 */
public record TunnelCreate(long capsFlags, int fieldsPresent, Long reauthContext, HttpBlob paaCookie) implements RdgPacket {
    public static final int FIELD_PAA_COOKIE = 0x1;
    public static final int FIELD_REAUTH = 0x2;

    public TunnelCreate {
        if (((fieldsPresent & FIELD_REAUTH) != 0) != (reauthContext != null)
                || ((fieldsPresent & FIELD_PAA_COOKIE) != 0) != (paaCookie != null)) {
            throw new IllegalArgumentException("fieldsPresent 0x" + Integer.toHexString(fieldsPresent)
                    + " disagrees with the optional fields given");
        }
    }

    public static TunnelCreate of(long capsFlags, HttpBlob paaCookie) {
        return new TunnelCreate(capsFlags, paaCookie == null ? 0 : FIELD_PAA_COOKIE, null, paaCookie);
    }

    public static TunnelCreate decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.TUNNEL_CREATE, "TUNNEL_CREATE");
        long caps = RdgCodec.u32(p, "TUNNEL_CREATE.capsFlags");
        int fields = RdgCodec.u16(p, "TUNNEL_CREATE.fieldsPresent");
        RdgCodec.u16(p, "TUNNEL_CREATE.reserved");
        Long reauth = (fields & FIELD_REAUTH) != 0 ? Wire.u64le(p, Layer.RDG, "TUNNEL_CREATE.reauthTunnelContext") : null;
        HttpBlob cookie = (fields & FIELD_PAA_COOKIE) != 0 ? HttpBlob.decode(p, "TUNNEL_CREATE.PAACookie") : null;
        return new TunnelCreate(caps, fields, reauth, cookie);
    }

    @Override
    public int packetType() {
        return RdgPacketType.TUNNEL_CREATE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 8 + (reauthContext == null ? 0 : 8) + (paaCookie == null ? 0 : paaCookie.encodedLength());
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeIntLE((int) capsFlags).writeShortLE(fieldsPresent).writeShortLE(0);
        if (reauthContext != null) {
            out.writeLongLE(reauthContext);
        }
        if (paaCookie != null) {
            paaCookie.encode(out);
        }
    }
}
