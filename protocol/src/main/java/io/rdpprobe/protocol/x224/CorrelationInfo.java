package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.Arrays;

/**
 * RDP_NEG_CORRELATION_INFO (MS-RDPBCGR 2.2.1.1.2), 36 bytes after RDP_NEG_REQ when its flags carry
 * CORRELATION_INFO_PRESENT.
 *
 * <pre>
 * | type=0x06 | flags=0 | length=0x0024 (LE) | correlationId[16] | reserved[16] = 0 |
 * </pre>
 * The first id byte may be neither 0x00 nor 0xF4, and no byte may be 0x0D.
 */
public record CorrelationInfo(byte[] correlationId) {
    public static final int TYPE = 0x06;
    public static final int SIZE = 36;

    public CorrelationInfo {
        if (correlationId.length != 16) {
            throw new IllegalArgumentException("correlationId must be 16 bytes");
        }
        correlationId = correlationId.clone();
    }

    /** Whether the id obeys 2.2.1.1.2 (first byte not 0x00/0xF4, no 0x0D byte). */
    public boolean isValidId() {
        if (correlationId[0] == 0 || correlationId[0] == (byte) 0xF4) {
            return false;
        }
        for (byte b : correlationId) {
            if (b == 0x0D) {
                return false;
            }
        }
        return true;
    }

    @Override
    public byte[] correlationId() {
        return correlationId.clone();
    }

    public static CorrelationInfo decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int type = Wire.u8(buf, Layer.X224, "RDP_NEG_CORRELATION_INFO.type");
        if (type != TYPE) {
            throw DecodeException.unexpected(Layer.X224, "RDP_NEG_CORRELATION_INFO.type", start, "expected 0x06, got " + type);
        }
        Wire.u8(buf, Layer.X224, "RDP_NEG_CORRELATION_INFO.flags");
        int length = Wire.u16le(buf, Layer.X224, "RDP_NEG_CORRELATION_INFO.length");
        if (length != SIZE) {
            throw DecodeException.badLength(Layer.X224, "RDP_NEG_CORRELATION_INFO.length", start + 2,
                    "expected 36, got " + length);
        }
        byte[] id = Wire.bytes(buf, 16, Layer.X224, "RDP_NEG_CORRELATION_INFO.correlationId");
        Wire.skip(buf, 16, Layer.X224, "RDP_NEG_CORRELATION_INFO.reserved");
        return new CorrelationInfo(id);
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(TYPE).writeByte(0).writeShortLE(SIZE).writeBytes(correlationId).writeZero(16);
    }

    public int encodedLength() {
        return SIZE;
    }

    /** GUID-style text of the id. */
    public String idString() {
        return Wire.hex(correlationId);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorrelationInfo c && Arrays.equals(correlationId, c.correlationId);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(correlationId);
    }

    @Override
    public String toString() {
        return "CorrelationInfo[" + idString() + "]";
    }
}
