package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Security headers (MS-RDPBCGR 2.2.8.1.1.2.1 - 2.2.8.1.1.2.3).
 *
 * <pre>
 * basic:    flags u16 | flagsHi u16
 * non-FIPS: basic | dataSignature[8]                               (when SEC_ENCRYPT and method != FIPS)
 * FIPS:     basic | length u16 (0x10) | version u8 (1) | padlen u8 | dataSignature[8]
 * </pre>
 *
 * @param signature null for a basic header
 * @param fipsPadLength -1 unless FIPS
 */
public record SecurityHeader(int flags, int flagsHi, byte[] signature, int fipsLength, int fipsVersion, int fipsPadLength) {
    public static final int BASIC_SIZE = 4;

    public static SecurityHeader basic(int flags) {
        return new SecurityHeader(flags, 0, null, -1, -1, -1);
    }

    public boolean has(int flag) {
        return (flags & flag) != 0;
    }

    public boolean encrypted() {
        return has(SecurityFlags.SEC_ENCRYPT);
    }

    /**
     * Reads a header: the basic part, and the signature when SEC_ENCRYPT is set ({@code fips} selects the FIPS form).
     */
    public static SecurityHeader decode(ByteBuf buf, boolean fips) {
        int flags = Wire.u16le(buf, Layer.SECURITY, "TS_SECURITY_HEADER.flags");
        int hi = Wire.u16le(buf, Layer.SECURITY, "TS_SECURITY_HEADER.flagsHi");
        if ((flags & SecurityFlags.SEC_ENCRYPT) == 0) {
            return new SecurityHeader(flags, hi, null, -1, -1, -1);
        }
        if (fips) {
            int len = Wire.u16le(buf, Layer.SECURITY, "TS_SECURITY_HEADER2.length");
            int ver = Wire.u8(buf, Layer.SECURITY, "TS_SECURITY_HEADER2.version");
            int pad = Wire.u8(buf, Layer.SECURITY, "TS_SECURITY_HEADER2.padlen");
            byte[] sig = Wire.bytes(buf, 8, Layer.SECURITY, "TS_SECURITY_HEADER2.dataSignature");
            return new SecurityHeader(flags, hi, sig, len, ver, pad);
        }
        byte[] sig = Wire.bytes(buf, 8, Layer.SECURITY, "TS_SECURITY_HEADER1.dataSignature");
        return new SecurityHeader(flags, hi, sig, -1, -1, -1);
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(flags).writeShortLE(flagsHi);
        if (signature != null) {
            if (fipsPadLength >= 0) {
                buf.writeShortLE(fipsLength).writeByte(fipsVersion).writeByte(fipsPadLength);
            }
            buf.writeBytes(signature);
        }
    }

    public int encodedLength() {
        return BASIC_SIZE + (signature == null ? 0 : 8 + (fipsPadLength >= 0 ? 4 : 0));
    }

    public java.util.List<String> flagNames() {
        return SecurityFlags.names(flags);
    }
}
