package io.rdpprobe.protocol.gcc;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * TS_UD_CS_MONITOR (MS-RDPBCGR 2.2.1.3.6): {@code header | flags u32 | monitorCount u32 (<= 16) |
 * TS_MONITOR_DEF[20] x count} with TS_MONITOR_DEF = left, top, right, bottom (i32), flags (0x1 PRIMARY).
 */
public record ClientMonitorData(int flags, List<Monitor> monitors) implements GccBlock {
    public static final int MAX_MONITORS = 16;

    public record Monitor(int left, int top, int right, int bottom, int flags) {
        public boolean primary() {
            return (flags & 1) != 0;
        }
    }

    public ClientMonitorData {
        monitors = List.copyOf(monitors);
    }

    static ClientMonitorData decodeBody(ByteBuf b) {
        int flags = Wire.i32le(b, Layer.GCC, "CS_MONITOR.flags");
        int at = b.readerIndex();
        long count = Wire.u32le(b, Layer.GCC, "CS_MONITOR.monitorCount");
        if (count > MAX_MONITORS || count * 20 > b.readableBytes()) {
            throw DecodeException.badLength(Layer.GCC, "CS_MONITOR.monitorCount", at,
                    count + " monitor(s) (max 16) with " + b.readableBytes() + " byte(s) left");
        }
        List<Monitor> m = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            m.add(new Monitor(b.readIntLE(), b.readIntLE(), b.readIntLE(), b.readIntLE(), b.readIntLE()));
        }
        return new ClientMonitorData(flags, m);
    }

    @Override
    public int type() {
        return CS_MONITOR;
    }

    @Override
    public void encode(ByteBuf buf) {
        GccBlock.writeHeader(buf, CS_MONITOR, encodedLength());
        buf.writeIntLE(flags).writeIntLE(monitors.size());
        for (Monitor m : monitors) {
            buf.writeIntLE(m.left()).writeIntLE(m.top()).writeIntLE(m.right()).writeIntLE(m.bottom()).writeIntLE(m.flags());
        }
    }

    @Override
    public int encodedLength() {
        return HEADER_SIZE + 8 + 20 * monitors.size();
    }
}
