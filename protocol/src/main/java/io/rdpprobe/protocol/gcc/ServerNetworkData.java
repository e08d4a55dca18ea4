package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_SC_NET (MS-RDPBCGR 2.2.1.4.4): {@code header | MCSChannelId u16 (I/O, 1003) | channelCount u16 |
 * channelIdArray u16[count] | pad u16 when count is odd}. Ids are in the order of the client's CS_NET
 * channels; 0 means not joined.
 */
public record ServerNetworkData(int ioChannelId, List<Integer> channelIds, boolean padded) implements GccBlock {
    public ServerNetworkData {
        channelIds = List.copyOf(channelIds);
    }

    public ServerNetworkData(int ioChannelId, List<Integer> channelIds) {
        this(ioChannelId, channelIds, (channelIds.size() & 1) != 0);
    }

    static ServerNetworkData decodeBody(ByteBuf b) {
        int io = Wire.u16le(b, Layer.GCC, "SC_NET.MCSChannelId");
        int at = b.readerIndex();
        int count = Wire.u16le(b, Layer.GCC, "SC_NET.channelCount");
        if (count * 2 > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "SC_NET.channelCount", at,
                    count + " channel id(s) with " + b.readableBytes() + " byte(s) left");
        }
        List<Integer> ids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ids.add(b.readUnsignedShortLE());
        }
        boolean pad = false;
        if ((count & 1) != 0 && b.readableBytes() >= 2) {
            b.skipBytes(2);
            pad = true;
        }
        return new ServerNetworkData(io, ids, pad);
    }

    @Override
    public int type() {
        return SC_NET;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, SC_NET, encodedLength());
        buf.writeShortLE(ioChannelId).writeShortLE(channelIds.size());
        for (int id : channelIds) buf.writeShortLE(id);
        if (padded) buf.writeShortLE(0);
    }

    @Override
    public int encodedLength() {
        return 8 + 2 * channelIds.size() + (padded ? 2 : 0);
    }
}
