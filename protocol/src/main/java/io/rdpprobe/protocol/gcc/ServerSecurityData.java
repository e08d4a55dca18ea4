package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TS_UD_SC_SEC1 (MS-RDPBCGR 2.2.1.4.3).
 *
 * <pre>
 * header | encryptionMethod u32 | encryptionLevel u32 |
 *   [serverRandomLen u32 (32) | serverCertLen u32 | serverRandom | serverCertificate]  (absent when both are 0)
 * </pre>
 *
 * @param serverRandom null when absent
 * @param certificate  null when absent
 */
public record ServerSecurityData(EncryptionMethod encryptionMethod, EncryptionLevel encryptionLevel,
                                 byte[] serverRandom, ServerCertificate certificate) implements GccBlock {
    public static final int MAX_RANDOM = 256;

    static ServerSecurityData decodeBody(ByteBuf b) {
        EncryptionMethod m = EncryptionMethod.of(Wire.i32le(b, Layer.GCC, "SC_SECURITY.encryptionMethod"));
        EncryptionLevel l = new EncryptionLevel(Wire.i32le(b, Layer.GCC, "SC_SECURITY.encryptionLevel"));
        if (!b.isReadable()) {
            return new ServerSecurityData(m, l, null, null);
        }
        int at = b.readerIndex();
        long randomLen = Wire.u32le(b, Layer.GCC, "SC_SECURITY.serverRandomLen");
        long certLen = Wire.u32le(b, Layer.GCC, "SC_SECURITY.serverCertLen");
        if (randomLen > MAX_RANDOM || randomLen + certLen > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "SC_SECURITY.serverRandomLen", at,
                    "random " + randomLen + " + certificate " + certLen + " > " + b.readableBytes() + " byte(s) left");
        }
        byte[] random = Wire.bytes(b, (int) randomLen, Layer.GCC, "SC_SECURITY.serverRandom");
        ServerCertificate cert = certLen == 0 ? null : ServerCertificate.decode(b.readSlice((int) certLen));
        return new ServerSecurityData(m, l, random, cert);
    }

    public boolean hasRandom() {
        return serverRandom != null;
    }

    @Override
    public int type() {
        return SC_SECURITY;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, SC_SECURITY, encodedLength());
        buf.writeIntLE(encryptionMethod.value()).writeIntLE(encryptionLevel.value());
        if (serverRandom != null) {
            buf.writeIntLE(serverRandom.length).writeIntLE(certificate == null ? 0 : certificate.encodedLength());
            buf.writeBytes(serverRandom);
            if (certificate != null) certificate.encode(buf);
        }
    }

    @Override
    public int encodedLength() {
        int n = 12;
        if (serverRandom != null) {
            n += 8 + serverRandom.length + (certificate == null ? 0 : certificate.encodedLength());
        }
        return n;
    }
}
