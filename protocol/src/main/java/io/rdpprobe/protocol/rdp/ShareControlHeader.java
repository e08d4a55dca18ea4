package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TS_SHARECONTROLHEADER (MS-RDPBCGR 2.2.8.1.1.1.1).
 *
 * <pre>
 * totalLength u16 | pduType u16 (type in bits 0-3, TS_PROTOCOL_VERSION 0x1 in bits 4-15) | pduSource u16
 * </pre>
 */
public record ShareControlHeader(int totalLength, int pduType, int pduSource) {
    public static final int SIZE = 6;
    public static final int PDUTYPE_DEMANDACTIVEPDU = 0x1;
    public static final int PDUTYPE_CONFIRMACTIVEPDU = 0x3;
    public static final int PDUTYPE_DEACTIVATEALLPDU = 0x6;
    public static final int PDUTYPE_DATAPDU = 0x7;
    public static final int PDUTYPE_SERVER_REDIR_PKT = 0xA;
    public static final int TS_PROTOCOL_VERSION = 0x10;

    public static ShareControlHeader of(int totalLength, int type, int source) {
        return new ShareControlHeader(totalLength, TS_PROTOCOL_VERSION | type, source);
    }

    public int type() {
        return pduType & 0xF;
    }

    public String typeName() {
        return typeName(type());
    }

    public static String typeName(int t) {
        return switch (t) {
            case 0x1 -> "PDUTYPE_DEMANDACTIVEPDU";
            case 0x3 -> "PDUTYPE_CONFIRMACTIVEPDU";
            case 0x6 -> "PDUTYPE_DEACTIVATEALLPDU";
            case 0x7 -> "PDUTYPE_DATAPDU";
            case 0xA -> "PDUTYPE_SERVER_REDIR_PKT";
            default -> String.format("UNKNOWN(0x%x)", t);
        };
    }

    public static ShareControlHeader decode(ByteBuf buf) {
        int at = buf.readerIndex();
        int total = Wire.u16le(buf, Layer.SHARE, "TS_SHARECONTROLHEADER.totalLength");
        int type = Wire.u16le(buf, Layer.SHARE, "TS_SHARECONTROLHEADER.pduType");
        int src = Wire.u16le(buf, Layer.SHARE, "TS_SHARECONTROLHEADER.pduSource");
        if (total != 0x8000 && total < SIZE) {
            throw DecodeException.badLength(Layer.SHARE, "TS_SHARECONTROLHEADER.totalLength", at, "totalLength " + total + " < 6");
        }
        return new ShareControlHeader(total, type, src);
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(totalLength).writeShortLE(pduType).writeShortLE(pduSource);
    }
}
