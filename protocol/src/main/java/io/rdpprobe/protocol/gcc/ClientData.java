package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.List;
import java.util.Optional;

/**
 * The client's GCC user data blocks (MS-RDPBCGR 2.2.1.3.1 - 2.2.1.3.9) in wire order. Unknown block types
 * are kept as {@link RawBlock}.
 */
public record ClientData(List<GccBlock> blocks) {
    public static final int MAX_BLOCKS = 64;

    public ClientData {
        blocks = List.copyOf(blocks);
    }

    public static ClientData decode(ByteBuf buf) {
        GccBlock[] out = new GccBlock[8];
        int n = 0;
        while (buf.isReadable()) {
            if (n >= MAX_BLOCKS) {
                throw DecodeException.badLength(Layer.GCC, "TS_UD_HEADER", buf.readerIndex(), "more than " + MAX_BLOCKS + " blocks");
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, n * 2);
            }
            out[n++] = decodeBlock(buf);
        }
        return new ClientData(n == out.length ? List.of(out) : List.of(java.util.Arrays.copyOf(out, n)));
    }

    /** Reads one TS_UD_HEADER and its body. */
    public static GccBlock decodeBlock(ByteBuf buf) {
        int at = buf.readerIndex();
        int type = Wire.u16le(buf, Layer.GCC, "TS_UD_HEADER.type");
        int len = Wire.u16le(buf, Layer.GCC, "TS_UD_HEADER.length");
        if (len < GccBlock.HEADER_SIZE) {
            throw DecodeException.badLength(Layer.GCC, "TS_UD_HEADER.length", at + 2, "block length " + len + " < 4");
        }
        Wire.need(buf, len - GccBlock.HEADER_SIZE, Layer.GCC, GccBlock.typeName(type));
        // The body is read in place, bounded by lowering the writer index to the block's end (restored below):
        // no slice per block.
        int limit = buf.writerIndex();
        buf.writerIndex(buf.readerIndex() + len - GccBlock.HEADER_SIZE);
        try {
            return decodeBody(buf, type, at);
        } finally {
            buf.writerIndex(limit);
        }
    }

    private static GccBlock decodeBody(ByteBuf body, int type, int at) {
        GccBlock b = switch (type) {
            case GccBlock.CS_CORE -> ClientCoreData.decodeBody(body);
            case GccBlock.CS_SECURITY -> ClientSecurityData.decodeBody(body);
            case GccBlock.CS_NET -> ClientNetworkData.decodeBody(body);
            case GccBlock.CS_CLUSTER -> ClientClusterData.decodeBody(body);
            case GccBlock.CS_MONITOR -> ClientMonitorData.decodeBody(body);
            case GccBlock.CS_MCS_MSGCHANNEL -> ClientMessageChannelData.decodeBody(body);
            case GccBlock.CS_MULTITRANSPORT -> ClientMultitransportData.decodeBody(body);
            case GccBlock.SC_CORE -> ServerCoreData.decodeBody(body);
            case GccBlock.SC_SECURITY -> ServerSecurityData.decodeBody(body);
            case GccBlock.SC_NET -> ServerNetworkData.decodeBody(body);
            case GccBlock.SC_MCS_MSGCHANNEL -> ServerMessageChannelData.decodeBody(body);
            case GccBlock.SC_MULTITRANSPORT -> ServerMultitransportData.decodeBody(body);
            default -> {
                byte[] raw = new byte[body.readableBytes()];
                body.readBytes(raw);
                yield new RawBlock(type, raw);
            }
        };
        if (body.isReadable()) {
            throw DecodeException.badLength(Layer.GCC, GccBlock.typeName(type) + ".length", at + 2,
                    body.readableBytes() + " byte(s) left in the block after its last field");
        }
        return b;
    }

    static <T> Optional<T> find(List<GccBlock> blocks, Class<T> c) {
        for (GccBlock b : blocks) {
            if (c.isInstance(b)) return Optional.of(c.cast(b));
        }
        return Optional.empty();
    }

    public Optional<ClientCoreData> core() { return find(blocks, ClientCoreData.class); }
    public Optional<ClientSecurityData> security() { return find(blocks, ClientSecurityData.class); }
    public Optional<ClientNetworkData> network() { return find(blocks, ClientNetworkData.class); }
    public Optional<ClientClusterData> cluster() { return find(blocks, ClientClusterData.class); }
    public Optional<ClientMonitorData> monitor() { return find(blocks, ClientMonitorData.class); }
    public Optional<ClientMessageChannelData> messageChannel() { return find(blocks, ClientMessageChannelData.class); }
    public Optional<ClientMultitransportData> multitransport() { return find(blocks, ClientMultitransportData.class); }

    public int encodedLength() {
        int n = 0;
        for (GccBlock b : blocks) n += b.encodedLength();
        return n;
    }

    public void encode(ByteBuf buf) {
        for (GccBlock b : blocks) b.encode(buf);
    }
}
