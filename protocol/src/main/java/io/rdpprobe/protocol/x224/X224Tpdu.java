package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/**
 * An X.224 class 0 TPDU inside a TPKT (ITU-T X.224; MS-RDPBCGR 2.2.1.1, 2.2.1.2). {@link #decode(ByteBuf)}
 * reads one whole TPKT frame and dispatches on the TPDU code.
 */
public sealed interface X224Tpdu permits ConnectionRequest, ConnectionConfirm, DataTpdu, DisconnectRequest, ErrorTpdu {
    int CODE_CR = 0xE0;
    int CODE_CC = 0xD0;
    int CODE_DR = 0x80;
    int CODE_DT = 0xF0;
    int CODE_ER = 0x70;

    /** Writes the whole TPKT frame. */
    void encode(ByteBuf buf);

    /** Length of the whole TPKT frame. */
    int encodedLength();

    /**
     * Decodes one TPKT frame holding any X.224 TPDU. The buffer must hold exactly the frame or more;
     * the reader index ends after the frame.
     */
    static X224Tpdu decode(ByteBuf buf) {
        int start = buf.readerIndex();
        TpktHeader tpkt = TpktHeader.decode(buf);
        io.rdpprobe.protocol.codec.Wire.need(buf, tpkt.payloadLength(), Layer.TPKT, "payload");
        buf.readerIndex(start);
        int code = buf.getUnsignedByte(start + 5) & 0xF0;
        return switch (code) {
            case CODE_CR -> ConnectionRequest.decode(buf);
            case CODE_CC -> ConnectionConfirm.decode(buf);
            case CODE_DT -> DataTpdu.decode(buf);
            case CODE_DR -> DisconnectRequest.decode(buf);
            case CODE_ER -> ErrorTpdu.decode(buf);
            default -> throw DecodeException.unexpected(Layer.X224, "code", start + 5,
                    String.format("unknown TPDU code 0x%02x", buf.getUnsignedByte(start + 5)));
        };
    }

    /** Human name of a TPDU code byte. */
    static String codeName(int codeByte) {
        return switch (codeByte & 0xF0) {
            case CODE_CR -> "CR";
            case CODE_CC -> "CC";
            case CODE_DT -> "DT";
            case CODE_DR -> "DR";
            case CODE_ER -> "ER";
            default -> String.format("0x%02x", codeByte);
        };
    }
}
