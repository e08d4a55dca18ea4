package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.util.Optional;

/**
 * A share data PDU (MS-RDPBCGR 2.2.8.1.1.1.2): control header, data header, and the pduType2-specific
 * body kept raw. Typed views: {@link #setErrorInfo()}, {@link #saveSessionInfo()}.
 */
public record DataPdu(ShareControlHeader header, ShareDataHeader dataHeader, byte[] body) implements SharePdu {

    static DataPdu decodeBody(ShareControlHeader h, ByteBuf b) {
        ShareDataHeader d = ShareDataHeader.decode(b);
        if ((d.compressedType() & 0x20) != 0) {
            throw DecodeException.invalid(Layer.SHARE, "TS_SHAREDATAHEADER.compressedType", 14,
                    "compressed data PDUs are not supported (the client never enabled compression)");
        }
        return new DataPdu(h, d, SharePdu.rest(b));
    }

    public int pduType2() {
        return dataHeader.pduType2();
    }

    public Optional<SetErrorInfoPdu> setErrorInfo() {
        return pduType2() == ShareDataHeader.PDUTYPE2_SET_ERROR_INFO_PDU
                ? Optional.of(SetErrorInfoPdu.decode(Unpooled.wrappedBuffer(body))) : Optional.empty();
    }

    public Optional<SaveSessionInfoPdu> saveSessionInfo() {
        return pduType2() == ShareDataHeader.PDUTYPE2_SAVE_SESSION_INFO
                ? Optional.of(SaveSessionInfoPdu.decode(Unpooled.wrappedBuffer(body))) : Optional.empty();
    }

    /** A complete data PDU: control header + data header + body. */
    public static byte[] encode(int pduSource, int shareId, int pduType2, byte[] body) {
        return SharePdu.encode(ShareControlHeader.PDUTYPE_DATAPDU, pduSource, b -> {
            new ShareDataHeader(shareId, ShareDataHeader.STREAM_LOW, 4 + body.length, pduType2, 0, 0).encode(b);
            b.writeBytes(body);
        });
    }

    /** Synchronize PDU (2.2.1.14): messageType SYNCMSGTYPE_SYNC (1), targetUser. */
    public static byte[] synchronize(int userId, int shareId, int targetUser) {
        return encode(userId, shareId, ShareDataHeader.PDUTYPE2_SYNCHRONIZE,
                new byte[] {1, 0, (byte) targetUser, (byte) (targetUser >> 8)});
    }

    public static final int CTRLACTION_REQUEST_CONTROL = 0x0001;
    public static final int CTRLACTION_GRANTED_CONTROL = 0x0002;
    public static final int CTRLACTION_DETACH = 0x0003;
    public static final int CTRLACTION_COOPERATE = 0x0004;

    /** Control PDU (2.2.1.15): action u16, grantId u16, controlId u32. */
    public static byte[] control(int userId, int shareId, int action) {
        return encode(userId, shareId, ShareDataHeader.PDUTYPE2_CONTROL,
                new byte[] {(byte) action, (byte) (action >> 8), 0, 0, 0, 0, 0, 0});
    }

    /** Font List PDU (2.2.1.18): numberFonts 0, totalNumFonts 0, listFlags FONTLIST_FIRST|LAST (3), entrySize 0x32. */
    public static byte[] fontList(int userId, int shareId) {
        return encode(userId, shareId, ShareDataHeader.PDUTYPE2_FONTLIST, new byte[] {0, 0, 0, 0, 3, 0, 0x32, 0});
    }
}
