package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** TS_UD_CS_MULTITRANSPORT: the RDP-UDP transports the client supports. (MS-RDPBCGR 2.2.1.3.8): {@code header | flags u32}. */
public record ClientMultitransportData(int flags) implements GccBlock {
    public static final int SIZE = 8;

    static ClientMultitransportData decodeBody(ByteBuf b) {
        return new ClientMultitransportData(Wire.i32le(b, Layer.GCC, "CS_MULTITRANSPORT.flags"));
    }

    public java.util.List<String> flagNames() {
        return FlagsBlock.transportNames(flags);
    }

    @Override
    public int type() {
        return CS_MULTITRANSPORT;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_MULTITRANSPORT, SIZE);
        buf.writeIntLE(flags);
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
