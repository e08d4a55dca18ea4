package io.rdpprobe.protocol.tpkt;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;

/**
 * Pure framing functions: first-byte demultiplexing and frame-length probing. They never consume
 * bytes, so a Netty decoder or a capture reassembler can call them on a growing buffer.
 */
public final class FrameProbe {
    /** Returned by length probes when the frame is not yet complete enough to tell its length. */
    public static final int NEED_MORE = -1;

    private FrameProbe() {}

    /** Classifies the bytes at the reader index (MS-RDPBCGR 2.2.9.1.2 and 5.3.8; TLS RFC 8446 5.1). */
    public static FrameKind classify(ByteBuf buf) {
        if (!buf.isReadable()) {
            return FrameKind.NEED_MORE;
        }
        int i = buf.readerIndex();
        int b0 = buf.getUnsignedByte(i);
        if (b0 == 0x03) {
            return FrameKind.TPKT;
        }
        if (b0 >= 0x14 && b0 <= 0x18) {
            if (buf.readableBytes() < 3) {
                return FrameKind.NEED_MORE;
            }
            if (buf.getUnsignedByte(i + 1) == 0x03 && buf.getUnsignedByte(i + 2) <= 0x04) {
                return FrameKind.TLS_RECORD;
            }
            // 0x14, 0x18: low bits 0 -> could be fast-path; 0x15..0x17 not
            return (b0 & 0x03) == 0 ? FrameKind.FAST_PATH : FrameKind.UNKNOWN;
        }
        if (b0 == 0x30) {
            return FrameKind.DER_SEQUENCE;
        }
        if ((b0 & 0x03) == 0) {
            return FrameKind.FAST_PATH;
        }
        return FrameKind.UNKNOWN;
    }

    /**
     * Length of the complete frame at the reader index, or {@link #NEED_MORE}.
     *
     * @throws DecodeException if the bytes are not a TPKT, fast-path or TLS frame, or their length field is
     *                         impossible
     */
    public static int frameLength(ByteBuf buf) {
        FrameKind kind = classify(buf);
        return switch (kind) {
            case NEED_MORE -> NEED_MORE;
            case TPKT -> TpktHeader.frameLength(buf);
            case FAST_PATH -> fastPathLength(buf);
            case TLS_RECORD -> tlsRecordLength(buf);
            case DER_SEQUENCE, UNKNOWN -> throw DecodeException.unexpected(Layer.TPKT, "first byte",
                    buf.readerIndex(), String.format("0x%02x is neither TPKT, fast-path nor TLS",
                            buf.getUnsignedByte(buf.readerIndex())));
        };
    }

    /** Fast-path length: length1, and length2 when length1's top bit is set (2.2.9.1.2). */
    public static int fastPathLength(ByteBuf buf) {
        int i = buf.readerIndex();
        if (buf.readableBytes() < 2) {
            return NEED_MORE;
        }
        int l1 = buf.getUnsignedByte(i + 1);
        int len;
        if ((l1 & 0x80) != 0) {
            if (buf.readableBytes() < 3) {
                return NEED_MORE;
            }
            len = ((l1 & 0x7F) << 8) | buf.getUnsignedByte(i + 2);
            if (len < 3) {
                throw DecodeException.badLength(Layer.FASTPATH, "length", i + 1, "fast-path length " + len + " < 3");
            }
        } else {
            len = l1;
            if (len < 2) {
                throw DecodeException.badLength(Layer.FASTPATH, "length", i + 1, "fast-path length " + len + " < 2");
            }
        }
        return len;
    }

    /** TLS record length: 5-byte header plus the 16-bit length (RFC 8446 5.1, max 2^14 + 2048). */
    public static int tlsRecordLength(ByteBuf buf) {
        int i = buf.readerIndex();
        if (buf.readableBytes() < 5) {
            return NEED_MORE;
        }
        int len = buf.getUnsignedShort(i + 3);
        if (len > (1 << 14) + 2048) {
            throw DecodeException.badLength(Layer.TLS, "length", i + 3, "TLS record length " + len + " > 18432");
        }
        return 5 + len;
    }
}
