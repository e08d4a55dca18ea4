package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * TS_UD_CS_SEC (MS-RDPBCGR 2.2.1.3.3): {@code header | encryptionMethods u32 | extEncryptionMethods u32}.
 * extEncryptionMethods is used only by French-locale clients (encryptionMethods then 0).
 */
public record ClientSecurityData(EncryptionMethod encryptionMethods, EncryptionMethod extEncryptionMethods) implements GccBlock {
    public static final int SIZE = 12;

    static ClientSecurityData decodeBody(ByteBuf b) {
        return new ClientSecurityData(EncryptionMethod.of(Wire.i32le(b, Layer.GCC, "CS_SECURITY.encryptionMethods")),
                EncryptionMethod.of(Wire.i32le(b, Layer.GCC, "CS_SECURITY.extEncryptionMethods")));
    }

    @Override
    public int type() {
        return CS_SECURITY;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_SECURITY, SIZE);
        buf.writeIntLE(encryptionMethods.value()).writeIntLE(extEncryptionMethods.value());
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
