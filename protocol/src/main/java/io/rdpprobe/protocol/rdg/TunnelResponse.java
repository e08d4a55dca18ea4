package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * HTTP_TUNNEL_RESPONSE (MS-TSGU 2.2.10.20): serverVersion u16, statusCode u32 (HRESULT), fieldsPresent u16,
 * reserved u16, then HTTP_TUNNEL_RESPONSE_OPTIONAL (2.2.10.21) in this order: tunnelId u32 (0x1),
 * capsFlags u32 (0x2), nonce (16 bytes, a GUID) + serverCert HTTP_UNICODE_STRING (0x4, SOH_REQ),
 * consentMsg HTTP_UNICODE_STRING (0x10).
 *
 * <p>FreeRDP skips 20 bytes of nonce where the specification gives 16; the decoder reads 16 and, when the
 * certificate string then does not fit, the 20-byte variant.
 */
public record TunnelResponse(int serverVersion, long statusCode, int fieldsPresent, Long tunnelId, Long capsFlags,
                             HttpBlob nonce, String serverCert, String consentMessage) implements RdgPacket {
    public static final int FIELD_TUNNEL_ID = 0x1;
    public static final int FIELD_CAPS = 0x2;
    public static final int FIELD_SOH_REQ = 0x4;
    public static final int FIELD_CONSENT_MSG = 0x10;

    public TunnelResponse {
        check(fieldsPresent, FIELD_TUNNEL_ID, tunnelId);
        check(fieldsPresent, FIELD_CAPS, capsFlags);
        check(fieldsPresent, FIELD_SOH_REQ, nonce);
        check(fieldsPresent, FIELD_SOH_REQ, serverCert);
        check(fieldsPresent, FIELD_CONSENT_MSG, consentMessage);
    }

    private static void check(int fields, int flag, Object value) {
        if (((fields & flag) != 0) != (value != null)) {
            throw new IllegalArgumentException("fieldsPresent 0x" + Integer.toHexString(fields)
                    + " disagrees with optional field 0x" + Integer.toHexString(flag));
        }
    }

    /** A response with a tunnel id and capabilities, as a Windows gateway sends on success. */
    public static TunnelResponse of(long statusCode, Long tunnelId, Long caps, String consent) {
        int f = (tunnelId == null ? 0 : FIELD_TUNNEL_ID) | (caps == null ? 0 : FIELD_CAPS)
                | (consent == null ? 0 : FIELD_CONSENT_MSG);
        return new TunnelResponse(1, statusCode, f, tunnelId, caps, null, null, consent);
    }

    public static TunnelResponse decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.TUNNEL_RESPONSE, "TUNNEL_RESPONSE");
        int ver = RdgCodec.u16(p, "TUNNEL_RESPONSE.serverVersion");
        long status = RdgCodec.u32(p, "TUNNEL_RESPONSE.statusCode");
        int fields = RdgCodec.u16(p, "TUNNEL_RESPONSE.fieldsPresent");
        RdgCodec.u16(p, "TUNNEL_RESPONSE.reserved");
        Long id = (fields & FIELD_TUNNEL_ID) != 0 ? RdgCodec.u32(p, "TUNNEL_RESPONSE.tunnelId") : null;
        Long caps = (fields & FIELD_CAPS) != 0 ? RdgCodec.u32(p, "TUNNEL_RESPONSE.capsFlags") : null;
        HttpBlob nonce = null;
        String cert = null;
        if ((fields & FIELD_SOH_REQ) != 0) {
            int at = p.readerIndex();
            int nonceLength = !exact(p, at + 16, fields) && exact(p, at + 20, fields) ? 20 : 16;
            nonce = new HttpBlob(Wire.bytes(p, nonceLength, Layer.RDG, "TUNNEL_RESPONSE.nonce"));
            cert = RdgCodec.readUnicode(p, "TUNNEL_RESPONSE.serverCert");
        }
        String consent = (fields & FIELD_CONSENT_MSG) != 0 ? RdgCodec.readUnicode(p, "TUNNEL_RESPONSE.consentMsg") : null;
        return new TunnelResponse(ver, status, fields, id, caps, nonce, cert, consent);
    }

    /** Whether a serverCert string at {@code at} (and the consent message, if flagged) ends exactly at the packet's end. */
    private static boolean exact(ByteBuf p, int at, int fields) {
        int end = p.writerIndex();
        for (int i = 0; i < ((fields & FIELD_CONSENT_MSG) != 0 ? 2 : 1); i++) {
            if (at + 2 > end) {
                return false;
            }
            at += 2 + p.getUnsignedShortLE(at);
        }
        return at == end;
    }

    public RdgStatus status() {
        return new RdgStatus(statusCode);
    }

    @Override
    public int packetType() {
        return RdgPacketType.TUNNEL_RESPONSE;
    }

    @Override
    public int encodedLength() {
        return RdgHeader.SIZE + 10 + (tunnelId == null ? 0 : 4) + (capsFlags == null ? 0 : 4)
                + (nonce == null ? 0 : nonce.length() + RdgCodec.unicodeLength(serverCert))
                + (consentMessage == null ? 0 : RdgCodec.unicodeLength(consentMessage));
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeShortLE(serverVersion).writeIntLE((int) statusCode).writeShortLE(fieldsPresent).writeShortLE(0);
        if (tunnelId != null) {
            out.writeIntLE(tunnelId.intValue());
        }
        if (capsFlags != null) {
            out.writeIntLE(capsFlags.intValue());
        }
        if (nonce != null) {
            out.writeBytes(nonce.bytes());
            RdgCodec.writeUnicode(out, serverCert);
        }
        if (consentMessage != null) {
            RdgCodec.writeUnicode(out, consentMessage);
        }
    }
}
