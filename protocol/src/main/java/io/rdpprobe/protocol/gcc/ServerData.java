package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The server's GCC user data blocks (MS-RDPBCGR 2.2.1.4.1 - 2.2.1.4.6) in wire order; unknown types raw. */
public record ServerData(List<GccBlock> blocks) {
    public ServerData {
        blocks = List.copyOf(blocks);
    }

    public static ServerData decode(ByteBuf buf) {
        List<GccBlock> out = new ArrayList<>();
        while (buf.isReadable()) {
            if (out.size() >= ClientData.MAX_BLOCKS) {
                throw DecodeException.badLength(Layer.GCC, "TS_UD_HEADER", buf.readerIndex(), "too many blocks");
            }
            out.add(ClientData.decodeBlock(buf));
        }
        return new ServerData(out);
    }

    public Optional<ServerCoreData> core() { return ClientData.find(blocks, ServerCoreData.class); }
    public Optional<ServerSecurityData> security() { return ClientData.find(blocks, ServerSecurityData.class); }
    public Optional<ServerNetworkData> network() { return ClientData.find(blocks, ServerNetworkData.class); }
    public Optional<ServerMessageChannelData> messageChannel() { return ClientData.find(blocks, ServerMessageChannelData.class); }
    public Optional<ServerMultitransportData> multitransport() { return ClientData.find(blocks, ServerMultitransportData.class); }

    public int encodedLength() {
        int n = 0;
        for (GccBlock b : blocks) n += b.encodedLength();
        return n;
    }

    public void encode(ByteBuf buf) {
        for (GccBlock b : blocks) b.encode(buf);
    }
}
