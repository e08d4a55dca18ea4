package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_SC_CORE (MS-RDPBCGR 2.2.1.4.2): {@code header | version u32 | [clientRequestedProtocols u32] |
 * [earlyCapabilityFlags u32]}, block length 8, 12 or 16.
 */
public record ServerCoreData(int version, Integer clientRequestedProtocols, Integer earlyCapabilityFlags) implements GccBlock {
    public static final int EDGE_ACTIONS_SUPPORTED_V1 = 0x1;
    public static final int DYNAMIC_DST_SUPPORTED = 0x2;
    public static final int EDGE_ACTIONS_SUPPORTED_V2 = 0x4;
    public static final int SKIP_CHANNELJOIN_SUPPORTED = 0x8;

    static ServerCoreData decodeBody(ByteBuf b) {
        int v = Wire.i32le(b, Layer.GCC, "SC_CORE.version");
        Integer req = b.isReadable() ? Wire.i32le(b, Layer.GCC, "SC_CORE.clientRequestedProtocols") : null;
        Integer ecf = req != null && b.isReadable() ? Wire.i32le(b, Layer.GCC, "SC_CORE.earlyCapabilityFlags") : null;
        return new ServerCoreData(v, req, ecf);
    }

    public RdpVersion rdpVersion() {
        return new RdpVersion(version);
    }

    public boolean skipChannelJoinSupported() {
        return earlyCapabilityFlags != null && (earlyCapabilityFlags & SKIP_CHANNELJOIN_SUPPORTED) != 0;
    }

    public List<String> earlyCapabilityNames() {
        return earlyCapabilityNames(earlyCapabilityFlags == null ? 0 : earlyCapabilityFlags);
    }

    /** RNS_UD_SC_* names of a server earlyCapabilityFlags value; unknown bits as hex. */
    public static List<String> earlyCapabilityNames(int f) {
        List<String> out = new ArrayList<>();
        if ((f & 1) != 0) out.add("RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1");
        if ((f & 2) != 0) out.add("RNS_UD_SC_DYNAMIC_DST_SUPPORTED");
        if ((f & 4) != 0) out.add("RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2");
        if ((f & 8) != 0) out.add("RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED");
        if ((f & ~0xF) != 0) out.add(String.format("0x%08x", f & ~0xF));
        return out;
    }

    @Override
    public int type() {
        return SC_CORE;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, SC_CORE, encodedLength());
        buf.writeIntLE(version);
        if (clientRequestedProtocols != null) {
            buf.writeIntLE(clientRequestedProtocols);
            if (earlyCapabilityFlags != null) buf.writeIntLE(earlyCapabilityFlags);
        }
    }

    @Override
    public int encodedLength() {
        return 8 + (clientRequestedProtocols != null ? 4 + (earlyCapabilityFlags != null ? 4 : 0) : 0);
    }
}
