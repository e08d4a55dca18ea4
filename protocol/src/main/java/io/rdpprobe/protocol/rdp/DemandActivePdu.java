package io.rdpprobe.protocol.rdp;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.List;
import java.util.Optional;

/**
 * Demand Active PDU, TS_DEMAND_ACTIVE_PDU (MS-RDPBCGR 2.2.1.13.1.1).
 *
 * <pre>
 * shareControlHeader (type 0x11) | shareId u32 | lengthSourceDescriptor u16 | lengthCombinedCapabilities u16 |
 * sourceDescriptor ("RDP\0") | numberCapabilities u16 | pad2Octets u16 | capabilitySets | sessionId u32
 * </pre>
 *
 * @param sessionId null when absent (some servers omit it)
 */
public record DemandActivePdu(ShareControlHeader header, int shareId, byte[] sourceDescriptor,
                              List<CapabilitySet> capabilities, Integer sessionId) implements SharePdu {
    public DemandActivePdu {
        capabilities = List.copyOf(capabilities);
    }

    static DemandActivePdu decodeBody(ShareControlHeader h, ByteBuf b) {
        int shareId = Wire.i32le(b, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.shareId");
        int lsd = Wire.u16le(b, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.lengthSourceDescriptor");
        int lccAt = b.readerIndex();
        int lcc = Wire.u16le(b, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.lengthCombinedCapabilities");
        byte[] sd = Wire.bytes(b, lsd, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.sourceDescriptor");
        if (lcc < 4 || lcc > b.readableBytes()) {
            throw DecodeException.badLength(Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.lengthCombinedCapabilities", lccAt,
                    lcc + " with " + b.readableBytes() + " byte(s) left");
        }
        ByteBuf caps = b.readSlice(lcc);
        int n = Wire.u16le(caps, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.numberCapabilities");
        Wire.u16le(caps, Layer.SHARE, "TS_DEMAND_ACTIVE_PDU.pad2Octets");
        List<CapabilitySet> sets = CapabilitySet.decodeList(caps, n);
        Integer sid = b.readableBytes() >= 4 ? b.readIntLE() : null;
        return new DemandActivePdu(h, shareId, sd, sets, sid);
    }

    public Optional<CapabilitySet> find(int type) {
        return capabilities.stream().filter(c -> c.type() == type).findFirst();
    }

    public Optional<CapabilitySet.General> general() {
        return find(CapabilitySet.GENERAL).map(CapabilitySet::general);
    }

    public Optional<CapabilitySet.Bitmap> bitmap() {
        return find(CapabilitySet.BITMAP).map(CapabilitySet::bitmap);
    }

    public List<String> capabilityNames() {
        return capabilities.stream().map(CapabilitySet::name).toList();
    }

    public String sourceDescriptorText() {
        int n = 0;
        while (n < sourceDescriptor.length && sourceDescriptor[n] != 0) n++;
        return new String(sourceDescriptor, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Encodes a Demand Active (for test servers). */
    public static byte[] encode(int pduSource, int shareId, List<CapabilitySet> caps, int sessionId) {
        byte[] sd = {'R', 'D', 'P', 0};
        return SharePdu.encode(ShareControlHeader.PDUTYPE_DEMANDACTIVEPDU, pduSource, b -> {
            int lcc = 4;
            for (CapabilitySet c : caps) lcc += c.encodedLength();
            b.writeIntLE(shareId).writeShortLE(sd.length).writeShortLE(lcc).writeBytes(sd);
            b.writeShortLE(caps.size()).writeShortLE(0);
            for (CapabilitySet c : caps) c.encode(b);
            b.writeIntLE(sessionId);
        });
    }
}
