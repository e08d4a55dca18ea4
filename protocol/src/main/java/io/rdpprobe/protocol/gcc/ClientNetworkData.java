package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
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
        ChannelDef[] ch = new ChannelDef[(int) count];
        for (int i = 0; i < count; i++) {
            String name = knownName(b);
            if (name == null) {
                name = Wire.asciiz(b, 8, Layer.GCC, "CS_NET.channelDef.name");
            } else {
                b.skipBytes(8);
            }
            int opt = Wire.i32le(b, Layer.GCC, "CS_NET.channelDef.options");
            ch[i] = new ChannelDef(name, opt);
        }
        return new ClientNetworkData(List.of(ch)); // already immutable: the record keeps it without a copy
    }

    /** Static virtual channels every client names: their String is shared rather than decoded each time. */
    private static final String[] KNOWN = {"rdpdr", "rdpsnd", "cliprdr", "drdynvc", "rail", "rail_ri", "rail_wi",
        "tsmf", "encomsp", "remdesk"};
    private static final long[] KNOWN_BYTES = new long[KNOWN.length];

    static {
        for (int i = 0; i < KNOWN.length; i++) {
            long v = 0;
            byte[] n = KNOWN[i].getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            for (int j = n.length - 1; j >= 0; j--) {
                v = (v << 8) | (n[j] & 0xFF);
            }
            KNOWN_BYTES[i] = v; // the 8-byte field as a little-endian long, NUL padded
        }
    }

    /** The shared name when the next 8 bytes (readable: checked by the caller) are a known name, NUL padded. */
    private static String knownName(ByteBuf b) {
        long v = b.getLongLE(b.readerIndex());
        for (int i = 0; i < KNOWN_BYTES.length; i++) {
            if (KNOWN_BYTES[i] == v) {
                return KNOWN[i];
            }
        }
        return null;
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
