package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * HTTP_PACKET_HEADER (MS-TSGU 2.2.10.9): packetType u16, reserved u16, packetLength u32 (the whole packet,
 * header included), little-endian.
 */
public record RdgHeader(int packetType, int reserved, long packetLength) {
    public static final int SIZE = 8;
    /** {@link #frameLength} when fewer than {@link #SIZE} bytes are readable. */
    public static final int NEED_MORE = -1;

    /**
     * The length of the packet that starts at the reader index, without consuming anything, or
     * {@link #NEED_MORE}. A length below the header size or above {@code max} throws, so a hostile
     * packetLength never makes a caller buffer gigabytes.
     */
    public static int frameLength(ByteBuf buf, int max) {
        if (buf.readableBytes() < SIZE) {
            return NEED_MORE;
        }
        int at = buf.readerIndex();
        long len = buf.getUnsignedIntLE(at + 4);
        if (len < SIZE || len > max) {
            throw DecodeException.badLength(Layer.RDG, "HTTP_PACKET_HEADER.packetLength", at + 4,
                    "packet type 0x" + Integer.toHexString(buf.getUnsignedShortLE(at)) + " claims " + len
                            + " byte(s); allowed " + SIZE + ".." + max);
        }
        return (int) len;
    }

    public static RdgHeader decode(ByteBuf buf) {
        int type = Wire.u16le(buf, Layer.RDG, "HTTP_PACKET_HEADER.packetType");
        int reserved = Wire.u16le(buf, Layer.RDG, "HTTP_PACKET_HEADER.reserved");
        long len = Wire.u32le(buf, Layer.RDG, "HTTP_PACKET_HEADER.packetLength");
        return new RdgHeader(type, reserved, len);
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(packetType).writeShortLE(reserved).writeIntLE((int) packetLength);
    }
}
