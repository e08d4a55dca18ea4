package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;

/** Shared framing for the packet records: header checks and HTTP_UNICODE_STRING. */
final class RdgCodec {
    private RdgCodec() {}

    /**
     * Reads the header of a packet of {@code type} and returns a slice of the whole packet positioned after
     * the header (offsets in errors then count from the packet start). Advances {@code buf} past the packet.
     */
    static ByteBuf open(ByteBuf buf, int type, String name) {
        int start = buf.readerIndex();
        Wire.need(buf, RdgHeader.SIZE, Layer.RDG, name + ".hdr");
        int t = buf.getUnsignedShortLE(start);
        if (t != type) {
            throw DecodeException.unexpected(Layer.RDG, name + ".hdr.packetType", 0,
                    "expected " + RdgPacketType.name(type) + " (0x" + Integer.toHexString(type) + "), got "
                            + RdgPacketType.name(t));
        }
        long len = buf.getUnsignedIntLE(start + 4);
        if (len < RdgHeader.SIZE) {
            throw DecodeException.badLength(Layer.RDG, name + ".hdr.packetLength", 4,
                    "packetLength " + len + " is smaller than the 8-byte header");
        }
        if (len > buf.readableBytes()) {
            throw new DecodeException(Layer.RDG, DecodeException.Kind.NOT_ENOUGH_BYTES, name + ".hdr.packetLength", 4,
                    "packetLength " + len + " but " + buf.readableBytes() + " byte(s) available",
                    DecodeException.snapshot(buf));
        }
        ByteBuf packet = buf.slice(start, (int) len);
        buf.skipBytes((int) len);
        packet.skipBytes(RdgHeader.SIZE);
        return packet;
    }

    static void header(ByteBuf out, int type, int length) {
        out.writeShortLE(type).writeShortLE(0).writeIntLE(length);
    }

    /** HTTP_UNICODE_STRING (2.2.10.22): cbLen u16 + UTF-16LE; the value is cut at its first NUL. */
    static String readUnicode(ByteBuf buf, String field) {
        int n = Wire.u16le(buf, Layer.RDG, field + ".cbLen");
        return Wire.utf16z(buf, n, Layer.RDG, field);
    }

    /** Written with a terminating NUL, as Windows and FreeRDP do. */
    static void writeUnicode(ByteBuf out, String s) {
        byte[] b = (s + '\0').getBytes(StandardCharsets.UTF_16LE);
        out.writeShortLE(b.length).writeBytes(b);
    }

    static int unicodeLength(String s) {
        return 2 + 2 * (s.length() + 1);
    }

    static long u32(ByteBuf buf, String field) {
        return Wire.u32le(buf, Layer.RDG, field);
    }

    static int u16(ByteBuf buf, String field) {
        return Wire.u16le(buf, Layer.RDG, field);
    }
}
