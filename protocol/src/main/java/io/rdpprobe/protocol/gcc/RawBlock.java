package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;

/** A user data block of a type this module does not decode, kept as its body bytes. */
public record RawBlock(int type, byte[] body) implements GccBlock {
    public String name() {
        return GccBlock.typeName(type);
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, type, encodedLength());
        buf.writeBytes(body);
    }

    @Override
    public int encodedLength() {
        return HEADER_SIZE + body.length;
    }
}
