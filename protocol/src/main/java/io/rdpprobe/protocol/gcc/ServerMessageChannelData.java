package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** TS_UD_SC_MCS_MSGCHANNEL (MS-RDPBCGR 2.2.1.4.5): {@code header | MCSChannelId u16}, the message channel. */
public record ServerMessageChannelData(int channelId) implements GccBlock {
    public static final int SIZE = 6;

    static ServerMessageChannelData decodeBody(ByteBuf b) {
        return new ServerMessageChannelData(Wire.u16le(b, Layer.GCC, "SC_MCS_MSGCHANNEL.MCSChannelId"));
    }

    @Override
    public int type() {
        return SC_MCS_MSGCHANNEL;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, SC_MCS_MSGCHANNEL, SIZE);
        buf.writeShortLE(channelId);
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
