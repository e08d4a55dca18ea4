package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_CS_CLUSTER (MS-RDPBCGR 2.2.1.3.5): {@code header | flags u32 | redirectedSessionId u32}.
 * Flags: 0x01 REDIRECTION_SUPPORTED, 0x02 REDIRECTED_SESSIONID_FIELD_VALID, 0x3C version mask (value << 2),
 * 0x40 REDIRECTED_SMARTCARD.
 */
public record ClientClusterData(int flags, int redirectedSessionId) implements GccBlock {
    public static final int SIZE = 12;
    public static final int REDIRECTION_SUPPORTED = 0x01;
    public static final int REDIRECTED_SESSIONID_FIELD_VALID = 0x02;
    public static final int REDIRECTION_VERSION_MASK = 0x3C;
    public static final int REDIRECTED_SMARTCARD = 0x40;

    static ClientClusterData decodeBody(ByteBuf b) {
        return new ClientClusterData(Wire.i32le(b, Layer.GCC, "CS_CLUSTER.flags"),
                Wire.i32le(b, Layer.GCC, "CS_CLUSTER.redirectedSessionID"));
    }

    /** ServerSessionRedirectionVersion field value (0 = V1). */
    public int redirectionVersion() {
        return (flags & REDIRECTION_VERSION_MASK) >> 2;
    }

    public List<String> flagNames() {
        return flagNames(flags);
    }

    /** Names of a TS_UD_CS_CLUSTER flags value; unknown bits as hex. */
    public static List<String> flagNames(int flags) {
        List<String> out = new ArrayList<>();
        if ((flags & REDIRECTION_SUPPORTED) != 0) out.add("REDIRECTION_SUPPORTED");
        if ((flags & REDIRECTED_SESSIONID_FIELD_VALID) != 0) out.add("REDIRECTED_SESSIONID_FIELD_VALID");
        if ((flags & REDIRECTION_VERSION_MASK) != 0) out.add("REDIRECTION_VERSION" + (((flags & REDIRECTION_VERSION_MASK) >> 2) + 1));
        if ((flags & REDIRECTED_SMARTCARD) != 0) out.add("REDIRECTED_SMARTCARD");
        int rest = flags & ~0x7F;
        if (rest != 0) out.add(String.format("0x%08x", rest));
        return out;
    }

    @Override
    public int type() {
        return CS_CLUSTER;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_CLUSTER, SIZE);
        buf.writeIntLE(flags).writeIntLE(redirectedSessionId);
    }

    @Override
    public int encodedLength() {
        return SIZE;
    }
}
