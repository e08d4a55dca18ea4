package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/**
 * X.224 Data TPDU (class 0): {@code 02 F0 80} after the TPKT header, then user data (MCS).
 *
 * <p>The record holds a slice of the caller's buffer for the user data: it is valid as long as that
 * buffer is. Use {@link #readHeader(ByteBuf)} on hot paths to skip the record allocation.
 */
public record DataTpdu(ByteBuf userData) implements X224Tpdu {
    public static final int HEADER_SIZE = 3;
    public static final int EOT = 0x80;

    /** Decodes a whole frame; {@link #userData()} is a slice of {@code buf}. */
    public static DataTpdu decode(ByteBuf buf) {
        int len = readHeader(buf);
        return new DataTpdu(buf.readSlice(len));
    }

    /**
     * Reads TPKT and the 3-byte DT header and returns the user-data length; the reader index ends at the
     * first user-data byte.
     */
    public static int readHeader(ByteBuf buf) {
        int start = buf.readerIndex();
        TpktHeader tpkt = TpktHeader.decode(buf);
        Wire.need(buf, tpkt.payloadLength(), Layer.TPKT, "payload");
        int li = Wire.u8(buf, Layer.X224, "LI");
        if (li != 2) {
            throw DecodeException.badLength(Layer.X224, "DT.LI", start + 4, "expected 2, got " + li);
        }
        int code = Wire.u8(buf, Layer.X224, "code");
        if ((code & 0xF0) != CODE_DT) {
            throw DecodeException.unexpected(Layer.X224, "code", start + 5,
                    "expected DT (0xf0), got " + X224Tpdu.codeName(code));
        }
        int eot = Wire.u8(buf, Layer.X224, "DT.EOT");
        if (eot != EOT) {
            throw DecodeException.invalid(Layer.X224, "DT.EOT", start + 6, String.format("expected 0x80, got 0x%02x", eot));
        }
        return tpkt.length() - TpktHeader.SIZE - HEADER_SIZE;
    }

    /** Writes TPKT + DT header for {@code userDataLength} bytes that the caller writes next. */
    public static void writeHeader(ByteBuf buf, int userDataLength) {
        new TpktHeader(TpktHeader.SIZE + HEADER_SIZE + userDataLength).encode(buf);
        buf.writeByte(2).writeByte(CODE_DT).writeByte(EOT);
    }

    @Override
    public void encode(ByteBuf buf) {
        writeHeader(buf, userData.readableBytes());
        buf.writeBytes(userData, userData.readerIndex(), userData.readableBytes());
    }

    @Override
    public int encodedLength() {
        return TpktHeader.SIZE + HEADER_SIZE + userData.readableBytes();
    }
}
