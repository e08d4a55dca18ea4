package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** TS_UD_CS_MCS_MSGCHANNEL; flags is 0. The block asks for the message channel (auto-detect, multitransport). (MS-RDPBCGR 2.2.1.3.7): {@code header | flags u32}. */
public record ClientMessageChannelData(int flags) implements GccBlock {
    public static final int SIZE = 8;

    static ClientMessageChannelData decodeBody(ByteBuf b) {
        return new ClientMessageChannelData(Wire.i32le(b, Layer.GCC, "CS_MCS_MSGCHANNEL.flags"));
    }

    @Override
    public int type() {
        return CS_MCS_MSGCHANNEL;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_MCS_MSGCHANNEL, SIZE);
        buf.writeIntLE(flags);
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
