package io.rdpprobe.protocol.tpkt;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TPKT header (RFC 1006 / ITU-T T.123 section 8), carried in front of every slow-path RDP PDU.
 *
 * <pre>
 *  0        1        2        3
 * +--------+--------+--------+--------+
 * | version|reserved|  length (BE)    |   version = 3; length counts these 4 bytes
 * +--------+--------+--------+--------+
 * </pre>
 *
 * @param length the whole packet length, header included (7..65535: a TPKT must carry at least an
 *               X.224 Data header)
 */
public record TpktHeader(int length) {
    public static final int VERSION = 3;
    public static final int SIZE = 4;
    /** Smallest legal TPKT: header + X.224 DT header (3 bytes). FreeRDP rejects anything shorter. */
    public static final int MIN_LENGTH = 7;
    public static final int MAX_LENGTH = 0xFFFF;

    public TpktHeader {
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new IllegalArgumentException("TPKT length " + length + " outside [7, 65535]");
        }
    }

    /** Length of the payload after the header. */
    public int payloadLength() {
        return length - SIZE;
    }

    /** Reads and validates the 4-byte header. */
    public static TpktHeader decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int version = Wire.u8(buf, Layer.TPKT, "version");
        if (version != VERSION) {
            throw DecodeException.invalid(Layer.TPKT, "version", start, "expected 3, got " + version);
        }
        Wire.u8(buf, Layer.TPKT, "reserved");
        int length = Wire.u16be(buf, Layer.TPKT, "length");
        Wire.checkLength(length, MIN_LENGTH, MAX_LENGTH, Layer.TPKT, "length", start + 2);
        return new TpktHeader(length);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(VERSION).writeByte(0).writeShort(length);
    }

    public int encodedLength() {
        return SIZE;
    }

    /**
     * Probes for a complete TPKT frame at the reader index without consuming anything.
     *
     * @return the frame length, or {@link io.rdpprobe.protocol.tpkt.FrameProbe#NEED_MORE} if fewer than 4
     *         bytes are readable
     * @throws DecodeException if the version byte is not 3 or the length is below 7
     */
    public static int frameLength(ByteBuf buf) {
        int i = buf.readerIndex();
        if (buf.readableBytes() < SIZE) {
            return FrameProbe.NEED_MORE;
        }
        if (buf.getUnsignedByte(i) != VERSION) {
            throw DecodeException.invalid(Layer.TPKT, "version", i, "expected 3, got " + buf.getUnsignedByte(i));
        }
        int length = buf.getUnsignedShort(i + 2);
        Wire.checkLength(length, MIN_LENGTH, MAX_LENGTH, Layer.TPKT, "length", i + 2);
        return length;
    }
}
