package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;

/** Shared TPKT + X.224 header reading, so each TPDU body only handles its own fields. */
final class X224Header {
    private X224Header() {}

    /**
     * Reads TPKT and the LI byte, checks the code, and returns the LI. On return the reader index is on
     * the code byte and exactly {@code LI} bytes of header remain in the frame.
     */
    static int readFixed(ByteBuf buf, int expectedCode, String tpduName, int minLi) {
        int start = buf.readerIndex();
        TpktHeader tpkt = TpktHeader.decode(buf);
        int payload = tpkt.payloadLength();
        Wire.need(buf, payload, Layer.TPKT, "payload");
        int li = Wire.u8(buf, Layer.X224, "LI");
        if (li + 1 > payload) {
            throw DecodeException.badLength(Layer.X224, "LI", start + 4,
                    "LI " + li + " runs past the TPKT payload of " + payload + " bytes");
        }
        if (li < minLi) {
            throw DecodeException.badLength(Layer.X224, "LI", start + 4,
                    "LI " + li + " too short for a " + tpduName + " (minimum " + minLi + ")");
        }
        int code = buf.getUnsignedByte(buf.readerIndex());
        if ((code & 0xF0) != expectedCode) {
            throw DecodeException.unexpected(Layer.X224, "code", start + 5,
                    String.format("expected %s (0x%02x), got %s", tpduName, expectedCode, X224Tpdu.codeName(code)));
        }
        return li;
    }

    static void requireConsumedExactly(ByteBuf buf, int frameStart, int frameLength, String tpduName) {
        int used = buf.readerIndex() - frameStart;
        if (used != frameLength) {
            throw DecodeException.badLength(Layer.X224, tpduName + ".LI", frameStart + 4,
                    "TPDU header ends at " + used + " but the TPKT frame is " + frameLength + " bytes");
        }
    }
}
