package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * Security Exchange PDU data, TS_SECURITY_PACKET (MS-RDPBCGR 2.2.1.10.1), carried in an MCS Send Data
 * Request on the I/O channel.
 *
 * <pre>
 * flags u16 (SEC_EXCHANGE_PKT [| SEC_LICENSE_ENCRYPT]) | flagsHi u16 | length u32 | encryptedClientRandom[length]
 * </pre>
 * The encrypted random includes its 8 bytes of zero padding.
 */
public record SecurityExchangePdu(int flags, byte[] encryptedClientRandom) {
    public static final int MAX_LENGTH = 520;

    public static SecurityExchangePdu decode(ByteBuf buf) {
        int at = buf.readerIndex();
        int flags = Wire.u16le(buf, Layer.SECURITY, "TS_SECURITY_PACKET.flags");
        Wire.u16le(buf, Layer.SECURITY, "TS_SECURITY_PACKET.flagsHi");
        if ((flags & SecurityFlags.SEC_EXCHANGE_PKT) == 0) {
            throw DecodeException.unexpected(Layer.SECURITY, "TS_SECURITY_PACKET.flags", at,
                    String.format("SEC_EXCHANGE_PKT not set (0x%04x)", flags));
        }
        int lenAt = buf.readerIndex();
        long len = Wire.u32le(buf, Layer.SECURITY, "TS_SECURITY_PACKET.length");
        if (len > MAX_LENGTH) {
            throw DecodeException.badLength(Layer.SECURITY, "TS_SECURITY_PACKET.length", lenAt, len + " > " + MAX_LENGTH);
        }
        byte[] r = Wire.bytes(buf, (int) len, Layer.SECURITY, "TS_SECURITY_PACKET.encryptedClientRandom");
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.SECURITY, "TS_SECURITY_PACKET.length", lenAt, buf.readableBytes() + " byte(s) after the random");
        }
        return new SecurityExchangePdu(flags, r);
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(flags).writeShortLE(0).writeIntLE(encryptedClientRandom.length).writeBytes(encryptedClientRandom);
    }

    public int encodedLength() {
        return 8 + encryptedClientRandom.length;
    }
}
