package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * The common NTLM message header (MS-NLMP 2.2.1): {@code | "NTLMSSP\0" (8) | MessageType u32 LE |}.
 */
public final class NtlmMessages {
    public static final byte[] SIGNATURE = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0};
    public static final int NEGOTIATE = 1;
    public static final int CHALLENGE = 2;
    public static final int AUTHENTICATE = 3;

    private NtlmMessages() {}

    /** Whether the bytes at the reader index start with "NTLMSSP\0" (does not consume). */
    public static boolean isNtlm(ByteBuf buf) {
        if (buf.readableBytes() < 8) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            if (buf.getByte(buf.readerIndex() + i) != SIGNATURE[i]) {
                return false;
            }
        }
        return true;
    }

    public static boolean isNtlm(byte[] b) {
        return isNtlm(io.netty.buffer.Unpooled.wrappedBuffer(b));
    }

    /** The MessageType of the message at the reader index (does not consume), after checking the signature. */
    public static int peekType(ByteBuf buf) {
        Wire.need(buf, 12, Layer.NTLM, "Signature+MessageType");
        if (!isNtlm(buf)) {
            throw DecodeException.unexpected(Layer.NTLM, "Signature", buf.readerIndex(), "not \"NTLMSSP\\0\"");
        }
        return buf.getIntLE(buf.readerIndex() + 8);
    }

    /** Reads and checks the header, expecting {@code type}. */
    static void readHeader(ByteBuf buf, int type, String msg) {
        int start = buf.readerIndex();
        byte[] sig = Wire.bytes(buf, 8, Layer.NTLM, msg + ".Signature");
        for (int i = 0; i < 8; i++) {
            if (sig[i] != SIGNATURE[i]) {
                throw DecodeException.unexpected(Layer.NTLM, msg + ".Signature", start, "not \"NTLMSSP\\0\"");
            }
        }
        int t = Wire.i32le(buf, Layer.NTLM, msg + ".MessageType");
        if (t != type) {
            throw DecodeException.unexpected(Layer.NTLM, msg + ".MessageType", start + 8,
                    "expected " + type + ", got " + Integer.toUnsignedString(t));
        }
    }

    static void writeHeader(ByteBuf buf, int type) {
        buf.writeBytes(SIGNATURE).writeIntLE(type);
    }
}
