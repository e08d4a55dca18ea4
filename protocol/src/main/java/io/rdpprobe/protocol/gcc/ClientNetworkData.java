package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_CS_NET (MS-RDPBCGR 2.2.1.3.4): {@code header | channelCount u32 (<= 31) | CHANNEL_DEF[12] x count}.
 */
public record ClientNetworkData(List<ChannelDef> channels) implements GccBlock {
    public static final int MAX_CHANNELS = 31;

    public ClientNetworkData {
        channels = List.copyOf(channels);
    }

    static ClientNetworkData decodeBody(ByteBuf b) {
        int at = b.readerIndex();
        long count = Wire.u32le(b, Layer.GCC, "CS_NET.channelCount");
        if (count > MAX_CHANNELS || count * ChannelDef.SIZE > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "CS_NET.channelCount", at,
                    count + " channel(s) (max 31) with " + b.readableBytes() + " byte(s) left");
        }
        List<ChannelDef> ch = new ArrayList<>((int) count);
        for (int i = 0; i < count; i++) {
            String name = Wire.asciiz(b, 8, Layer.GCC, "CS_NET.channelDef.name");
            int opt = Wire.i32le(b, Layer.GCC, "CS_NET.channelDef.options");
            ch.add(new ChannelDef(name, opt));
        }
        return new ClientNetworkData(ch);
    }

    public List<String> names() {
        return channels.stream().map(ChannelDef::name).toList();
    }

    @Override
    public int type() {
        return CS_NET;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_NET, encodedLength());
        buf.writeIntLE(channels.size());
        for (ChannelDef c : channels) {
            byte[] n = c.name().getBytes(StandardCharsets.ISO_8859_1);
            int len = Math.min(n.length, 7);
            buf.writeBytes(n, 0, len).writeZero(8 - len);
            buf.writeIntLE(c.options());
        }
    }

    @Override
    public int encodedLength() {
        return HEADER_SIZE + 4 + ChannelDef.SIZE * channels.size();
    }
}
