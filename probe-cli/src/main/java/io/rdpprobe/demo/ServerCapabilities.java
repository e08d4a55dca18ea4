package io.rdpprobe.demo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.rdp.CapabilitySet;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import java.util.List;
import java.util.function.Consumer;

/**
 * The capability sets a Windows Server 2019-like host puts in its Demand Active PDU (MS-RDPBCGR 2.2.1.13.1.1),
 * in the order Windows sends them. Each set is TS_CAPS_SET {@code type u16 | length u16 | body}; the bodies
 * follow MS-RDPBCGR 2.2.7.
 */
public final class ServerCapabilities {
    /** CAPSTYPE_MULTIFRAGMENTUPDATE (2.2.7.2.6), CAPSTYPE_LARGE_POINTER (2.2.7.2.7), CAPSTYPE_SURFACE_COMMANDS (2.2.7.2.9). */
    static final int MULTIFRAGMENTUPDATE = 0x1A;
    static final int LARGE_POINTER = 0x1B;
    static final int SURFACE_COMMANDS = 0x1C;

    private ServerCapabilities() {
    }

    /** The server's capability sets for a session of {@code width} x {@code height} at {@code bpp}. */
    public static List<CapabilitySet> windowsLike(int width, int height, int bpp) {
        return List.of(
                // TS_SHARE_CAPABILITYSET (2.2.7.2.4): nodeId = the server channel id, pad2
                set(CapabilitySet.SHARE, b -> b.writeShortLE(RdpServerSession.SERVER_USER).writeShortLE(0)),
                // TS_GENERAL_CAPABILITYSET (2.2.7.1.1): Windows NT, protocol 0x200, extraFlags FASTPATH_OUTPUT |
                // NO_BITMAP_COMPRESSION_HDR | LONG_CREDENTIALS | AUTORECONNECT | ENC_SALTED_CHECKSUM, refresh
                // rect and suppress output supported
                set(CapabilitySet.GENERAL, b -> b.writeShortLE(1).writeShortLE(3).writeShortLE(0x0200).writeShortLE(0)
                        .writeShortLE(0).writeShortLE(0x0001 | 0x0400 | 0x0004 | 0x0008 | 0x0010).writeShortLE(0)
                        .writeShortLE(0).writeShortLE(0).writeByte(1).writeByte(1)),
                // TS_VIRTUALCHANNEL_CAPABILITYSET (2.2.7.1.10): VCCAPS_COMPR_SC, VCChunkSize 1600
                set(CapabilitySet.VIRTUALCHANNEL, b -> b.writeIntLE(0x1).writeIntLE(1600)),
                // TS_FONT_CAPABILITYSET (2.2.7.2.5): FONTSUPPORT_FONTLIST
                set(CapabilitySet.FONT, b -> b.writeShortLE(0x0001).writeShortLE(0)),
                // TS_BITMAP_CAPABILITYSET (2.2.7.1.2): the client's desktop size, resize allowed, compression on
                set(CapabilitySet.BITMAP, b -> b.writeShortLE(bpp).writeShortLE(1).writeShortLE(1).writeShortLE(1)
                        .writeShortLE(width).writeShortLE(height).writeShortLE(0).writeShortLE(1).writeShortLE(1)
                        .writeByte(0).writeByte(0x1A).writeShortLE(1).writeShortLE(0)),
                // TS_ORDER_CAPABILITYSET (2.2.7.1.3): NEGOTIATEORDERSUPPORT | ZEROBOUNDSDELTASSUPPORT |
                // COLORINDEXSUPPORT, no drawing orders (a modern server sends bitmaps and surface commands)
                set(CapabilitySet.ORDER, b -> b.writeZero(16).writeIntLE(0).writeShortLE(1).writeShortLE(20)
                        .writeShortLE(0).writeShortLE(1).writeShortLE(0).writeShortLE(0x0002 | 0x0008 | 0x0020)
                        .writeZero(32).writeShortLE(0x06A1).writeShortLE(0).writeIntLE(0).writeIntLE(230400)
                        .writeShortLE(0).writeShortLE(0).writeShortLE(0).writeShortLE(0)),
                // TS_COLORTABLECACHE_CAPABILITYSET (2.2.7.1.11.1): 6 entries
                set(CapabilitySet.COLORCACHE, b -> b.writeShortLE(6).writeShortLE(0)),
                // TS_POINTER_CAPABILITYSET (2.2.7.1.5): color pointers, caches of 25
                set(CapabilitySet.POINTER, b -> b.writeShortLE(1).writeShortLE(25).writeShortLE(25)),
                // TS_INPUT_CAPABILITYSET (2.2.7.1.6): SCANCODES | MOUSEX | UNICODE | FASTPATH_INPUT2 | MOUSE_HWHEEL
                set(CapabilitySet.INPUT, b -> b.writeShortLE(0x0001 | 0x0004 | 0x0010 | 0x0020 | 0x0100).writeShortLE(0)
                        .writeIntLE(0).writeIntLE(0).writeIntLE(0).writeIntLE(0).writeZero(64)),
                // TS_MULTIFRAGMENTUPDATE_CAPABILITYSET (2.2.7.2.6)
                set(MULTIFRAGMENTUPDATE, b -> b.writeIntLE(0x00060000)),
                // TS_LARGE_POINTER_CAPABILITYSET (2.2.7.2.7): LARGE_POINTER_FLAG_96x96
                set(LARGE_POINTER, b -> b.writeShortLE(0x0001)),
                // TS_SURFCMDS_CAPABILITYSET (2.2.7.2.9): SURFCMDS_SET_SURFACE_BITS | FRAME_MARKER | STREAM_SURFACE_BITS
                set(SURFACE_COMMANDS, b -> b.writeIntLE(0x02 | 0x10 | 0x40).writeIntLE(0)));
    }

    /** A complete Demand Active share PDU for {@code width} x {@code height} at {@code bpp}, session id 2. */
    public static byte[] demandActive(int width, int height, int bpp) {
        return DemandActivePdu.encode(RdpServerSession.SERVER_USER, RdpServerSession.SHARE_ID,
                windowsLike(width, height, bpp), 2);
    }

    private static CapabilitySet set(int type, Consumer<ByteBuf> body) {
        ByteBuf b = Unpooled.buffer();
        body.accept(b);
        return new CapabilitySet(type, ByteBufUtil.getBytes(b));
    }
}
