package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;

/**
 * HTTP_TUNNEL_AUTH_RESPONSE (MS-TSGU 2.2.10.16): errorCode u32 (HRESULT; the CAP decision), fieldsPresent
 * u16, reserved u16, then HTTP_TUNNEL_AUTH_RESPONSE_OPTIONAL (2.2.10.17): redirFlags u32 (0x1),
 * idleTimeout u32 minutes (0x2), SoHResponse HTTP_BYTE_BLOB (0x4).
 */
public record TunnelAuthResponse(long errorCode, int fieldsPresent, Long redirFlags, Long idleTimeoutMinutes,
                                 HttpBlob sohResponse) implements RdgPacket {
    public static final int FIELD_REDIR_FLAGS = 0x1;
    public static final int FIELD_IDLE_TIMEOUT = 0x2;
    public static final int FIELD_SOH_RESPONSE = 0x4;

    public TunnelAuthResponse {
        if (((fieldsPresent & FIELD_REDIR_FLAGS) != 0) != (redirFlags != null)
                || ((fieldsPresent & FIELD_IDLE_TIMEOUT) != 0) != (idleTimeoutMinutes != null)
                || ((fieldsPresent & FIELD_SOH_RESPONSE) != 0) != (sohResponse != null)) {
            throw new IllegalArgumentException("fieldsPresent 0x" + Integer.toHexString(fieldsPresent)
                    + " disagrees with the optional fields given");
        }
    }

    public static TunnelAuthResponse of(long errorCode, Long redirFlags, Long idleTimeoutMinutes) {
        int f = (redirFlags == null ? 0 : FIELD_REDIR_FLAGS) | (idleTimeoutMinutes == null ? 0 : FIELD_IDLE_TIMEOUT);
        return new TunnelAuthResponse(errorCode, f, redirFlags, idleTimeoutMinutes, null);
    }

    public static TunnelAuthResponse decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.TUNNEL_AUTH_RESPONSE, "TUNNEL_AUTH_RESPONSE");
        long err = RdgCodec.u32(p, "TUNNEL_AUTH_RESPONSE.errorCode");
        int fields = RdgCodec.u16(p, "TUNNEL_AUTH_RESPONSE.fieldsPresent");
        RdgCodec.u16(p, "TUNNEL_AUTH_RESPONSE.reserved");
        Long redir = (fields & FIELD_REDIR_FLAGS) != 0 ? RdgCodec.u32(p, "TUNNEL_AUTH_RESPONSE.redirFlags") : null;
        Long idle = (fields & FIELD_IDLE_TIMEOUT) != 0 ? RdgCodec.u32(p, "TUNNEL_AUTH_RESPONSE.idleTimeout") : null;
        HttpBlob soh = (fields & FIELD_SOH_RESPONSE) != 0 ? HttpBlob.decode(p, "TUNNEL_AUTH_RESPONSE.SoHResponse") : null;
        return new TunnelAuthResponse(err, fields, redir, idle, soh);
    }

    public RdgStatus status() {
        return new RdgStatus(errorCode);
    }

    @Override
    public int packetType() {
        return RdgPacketType.TUNNEL_AUTH_RESPONSE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 8 + (redirFlags == null ? 0 : 4) + (idleTimeoutMinutes == null ? 0 : 4)
                + (sohResponse == null ? 0 : sohResponse.encodedLength());
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeIntLE((int) errorCode).writeShortLE(fieldsPresent).writeShortLE(0);
        if (redirFlags != null) {
            out.writeIntLE(redirFlags.intValue());
        }
        if (idleTimeoutMinutes != null) {
            out.writeIntLE(idleTimeoutMinutes.intValue());
        }
        if (sohResponse != null) {
            sohResponse.encode(out);
        }
    }
}
