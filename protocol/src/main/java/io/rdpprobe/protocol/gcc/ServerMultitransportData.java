package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** TS_UD_SC_MULTITRANSPORT: the RDP-UDP transports the server offers. (MS-RDPBCGR 2.2.1.4.6): {@code header | flags u32}. */
public record ServerMultitransportData(int flags) implements GccBlock {
    public static final int SIZE = 8;

    static ServerMultitransportData decodeBody(ByteBuf b) {
        return new ServerMultitransportData(Wire.i32le(b, Layer.GCC, "SC_MULTITRANSPORT.flags"));
    }

    public java.util.List<String> flagNames() {
        return FlagsBlock.transportNames(flags);
    }

    @Override
    public int type() {
        return SC_MULTITRANSPORT;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, SC_MULTITRANSPORT, SIZE);
        buf.writeIntLE(flags);
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
