package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Confirm Active PDU, TS_CONFIRM_ACTIVE_PDU (MS-RDPBCGR 2.2.1.13.2.1).
 *
 * <pre>
 * shareControlHeader (type 0x13, source = user channel) | shareId u32 | originatorId u16 (0x03EA) |
 * lengthSourceDescriptor u16 | lengthCombinedCapabilities u16 | sourceDescriptor ("MSTSC\0") |
 * numberCapabilities u16 | pad2Octets u16 | capabilitySets
 * </pre>
 */
public record ConfirmActivePdu(ShareControlHeader header, int shareId, int originatorId, byte[] sourceDescriptor,
                               List<CapabilitySet> capabilities) implements SharePdu {
    public static final int SERVER_CHANNEL_ID = 0x03EA;

    public ConfirmActivePdu {
        capabilities = List.copyOf(capabilities);
    }

    static ConfirmActivePdu decodeBody(ShareControlHeader h, ByteBuf b) {
        int shareId = Wire.i32le(b, Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.shareId");
        int orig = Wire.u16le(b, Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.originatorId");
        int lsd = Wire.u16le(b, Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.lengthSourceDescriptor");
        int lccAt = b.readerIndex();
        int lcc = Wire.u16le(b, Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.lengthCombinedCapabilities");
        byte[] sd = Wire.bytes(b, lsd, Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.sourceDescriptor");
        if (lcc < 4 || lcc > b.readableBytes()) {
            throw DecodeException.badLength(Layer.SHARE, "TS_CONFIRM_ACTIVE_PDU.lengthCombinedCapabilities", lccAt,
                    lcc + " with " + b.readableBytes() + " byte(s) left");
        }
        ByteBuf caps = b.readSlice(lcc);
        int n = Wire.u16le(caps, Layer.SHARE, "numberCapabilities");
        Wire.u16le(caps, Layer.SHARE, "pad2Octets");
        return new ConfirmActivePdu(h, shareId, orig, sd, CapabilitySet.decodeList(caps, n));
    }

    /** A Confirm Active for {@code shareId} from user channel {@code userId} with {@code caps}. */
    public static byte[] encode(int userId, int shareId, List<CapabilitySet> caps) {
        byte[] sd = "MSTSC\0".getBytes(StandardCharsets.ISO_8859_1);
        return SharePdu.encode(ShareControlHeader.PDUTYPE_CONFIRMACTIVEPDU, userId, b -> {
            int lcc = 4;
            for (CapabilitySet c : caps) lcc += c.encodedLength();
            b.writeIntLE(shareId).writeShortLE(SERVER_CHANNEL_ID).writeShortLE(sd.length).writeShortLE(lcc).writeBytes(sd);
            b.writeShortLE(caps.size()).writeShortLE(0);
            for (CapabilitySet c : caps) c.encode(b);
        });
    }

    /**
     * The minimal capability sets a client must send (2.2.1.13.2.1): general, bitmap, order, bitmap cache,
     * pointer, input, brush, glyph cache, offscreen cache, virtual channel, sound.
     */
    public static List<CapabilitySet> minimalClientCapabilities(int width, int height, int bpp, int keyboardLayout) {
        return List.of(
                CapabilitySet.build(CapabilitySet.GENERAL, b -> b.writeShortLE(1).writeShortLE(3).writeShortLE(0x0200)
                        .writeShortLE(0).writeShortLE(0).writeShortLE(0x0400 | 0x0004 | 0x0010).writeShortLE(0)
                        .writeShortLE(0).writeShortLE(0).writeByte(1).writeByte(1)),
                CapabilitySet.build(CapabilitySet.BITMAP, b -> b.writeShortLE(bpp).writeShortLE(1).writeShortLE(1)
                        .writeShortLE(1).writeShortLE(width).writeShortLE(height).writeShortLE(0).writeShortLE(1)
                        .writeShortLE(1).writeByte(0).writeByte(0).writeShortLE(1).writeShortLE(0)),
                CapabilitySet.build(CapabilitySet.ORDER, b -> b.writeZero(16).writeIntLE(0).writeShortLE(1).writeShortLE(20)
                        .writeShortLE(0).writeShortLE(1).writeShortLE(0).writeShortLE(0x0002 | 0x0008 | 0x0020)
                        .writeZero(32).writeShortLE(0).writeShortLE(0).writeIntLE(0).writeIntLE(480 * 480)
                        .writeShortLE(0).writeShortLE(0).writeShortLE(0).writeShortLE(0)),
                CapabilitySet.build(CapabilitySet.BITMAPCACHE, b -> b.writeZero(24).writeShortLE(200).writeShortLE(256)
                        .writeShortLE(600).writeShortLE(1024).writeShortLE(1000).writeShortLE(4096)),
                CapabilitySet.build(CapabilitySet.POINTER, b -> b.writeShortLE(1).writeShortLE(20).writeShortLE(21)),
                CapabilitySet.build(CapabilitySet.INPUT, b -> b.writeShortLE(0x0001 | 0x0004 | 0x0010).writeShortLE(0)
                        .writeIntLE(keyboardLayout).writeIntLE(4).writeIntLE(0).writeIntLE(12).writeZero(64)),
                CapabilitySet.build(CapabilitySet.BRUSH, b -> b.writeIntLE(0)),
                CapabilitySet.build(CapabilitySet.GLYPHCACHE, b -> {
                    int[][] cache = {{254, 4}, {254, 4}, {254, 8}, {254, 8}, {254, 16}, {254, 32}, {254, 64}, {254, 128},
                        {254, 256}, {64, 2048}};
                    for (int[] c : cache) b.writeShortLE(c[0]).writeShortLE(c[1]);
                    b.writeIntLE(0x01000100).writeShortLE(0).writeShortLE(0);
                }),
                CapabilitySet.build(CapabilitySet.OFFSCREENCACHE, b -> b.writeIntLE(0).writeShortLE(0).writeShortLE(0)),
                CapabilitySet.build(CapabilitySet.VIRTUALCHANNEL, b -> b.writeIntLE(0).writeIntLE(1600)),
                CapabilitySet.build(CapabilitySet.SOUND, b -> b.writeShortLE(1).writeShortLE(0)));
    }
}
