package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TS_SHAREDATAHEADER after the control header (MS-RDPBCGR 2.2.8.1.1.1.2): 12 bytes.
 *
 * <pre>
 * shareId u32 | pad1 u8 | streamId u8 | uncompressedLength u16 | pduType2 u8 | compressedType u8 | compressedLength u16
 * </pre>
 */
public record ShareDataHeader(int shareId, int streamId, int uncompressedLength, int pduType2, int compressedType,
                              int compressedLength) {
    public static final int SIZE = 12;
    public static final int STREAM_LOW = 0x01;
    public static final int STREAM_MED = 0x02;
    public static final int STREAM_HI = 0x04;

    public static final int PDUTYPE2_UPDATE = 0x02;
    public static final int PDUTYPE2_CONTROL = 0x14;
    public static final int PDUTYPE2_POINTER = 0x1B;
    public static final int PDUTYPE2_INPUT = 0x1C;
    public static final int PDUTYPE2_SYNCHRONIZE = 0x1F;
    public static final int PDUTYPE2_SAVE_SESSION_INFO = 0x26;
    public static final int PDUTYPE2_FONTLIST = 0x27;
    public static final int PDUTYPE2_FONTMAP = 0x28;
    public static final int PDUTYPE2_SET_ERROR_INFO_PDU = 0x2F;
    public static final int PDUTYPE2_STATUS_INFO_PDU = 0x36;

    public static ShareDataHeader decode(ByteBuf buf) {
        int shareId = Wire.i32le(buf, Layer.SHARE, "TS_SHAREDATAHEADER.shareId");
        Wire.u8(buf, Layer.SHARE, "TS_SHAREDATAHEADER.pad1");
        int stream = Wire.u8(buf, Layer.SHARE, "TS_SHAREDATAHEADER.streamId");
        int ulen = Wire.u16le(buf, Layer.SHARE, "TS_SHAREDATAHEADER.uncompressedLength");
        int t2 = Wire.u8(buf, Layer.SHARE, "TS_SHAREDATAHEADER.pduType2");
        int ct = Wire.u8(buf, Layer.SHARE, "TS_SHAREDATAHEADER.compressedType");
        int clen = Wire.u16le(buf, Layer.SHARE, "TS_SHAREDATAHEADER.compressedLength");
        return new ShareDataHeader(shareId, stream, ulen, t2, ct, clen);
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(shareId).writeByte(0).writeByte(streamId).writeShortLE(uncompressedLength).writeByte(pduType2)
                .writeByte(compressedType).writeShortLE(compressedLength);
    }

    public String pduType2Name() {
        return pduType2Name(pduType2);
    }

    public static String pduType2Name(int t) {
        return switch (t) {
            case 0x02 -> "PDUTYPE2_UPDATE";
            case 0x14 -> "PDUTYPE2_CONTROL";
            case 0x1B -> "PDUTYPE2_POINTER";
            case 0x1C -> "PDUTYPE2_INPUT";
            case 0x1F -> "PDUTYPE2_SYNCHRONIZE";
            case 0x21 -> "PDUTYPE2_REFRESH_RECT";
            case 0x22 -> "PDUTYPE2_PLAY_SOUND";
            case 0x23 -> "PDUTYPE2_SUPPRESS_OUTPUT";
            case 0x24 -> "PDUTYPE2_SHUTDOWN_REQUEST";
            case 0x25 -> "PDUTYPE2_SHUTDOWN_DENIED";
            case 0x26 -> "PDUTYPE2_SAVE_SESSION_INFO";
            case 0x27 -> "PDUTYPE2_FONTLIST";
            case 0x28 -> "PDUTYPE2_FONTMAP";
            case 0x29 -> "PDUTYPE2_SET_KEYBOARD_INDICATORS";
            case 0x2B -> "PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST";
            case 0x2C -> "PDUTYPE2_BITMAPCACHE_ERROR_PDU";
            case 0x2D -> "PDUTYPE2_SET_KEYBOARD_IME_STATUS";
            case 0x2E -> "PDUTYPE2_OFFSCRCACHE_ERROR_PDU";
            case 0x2F -> "PDUTYPE2_SET_ERROR_INFO_PDU";
            case 0x30 -> "PDUTYPE2_DRAWNINEGRID_ERROR_PDU";
            case 0x31 -> "PDUTYPE2_DRAWGDIPLUS_ERROR_PDU";
            case 0x32 -> "PDUTYPE2_ARC_STATUS_PDU";
            case 0x36 -> "PDUTYPE2_STATUS_INFO_PDU";
            case 0x37 -> "PDUTYPE2_MONITOR_LAYOUT_PDU";
            case 0x38 -> "PDUTYPE2_FRAME_ACKNOWLEDGE";
            default -> String.format("UNKNOWN(0x%02x)", t);
        };
    }
}
