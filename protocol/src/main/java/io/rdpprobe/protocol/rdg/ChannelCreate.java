package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * HTTP_CHANNEL_PACKET (MS-TSGU 2.2.10.2): numResources u8 (1..50), numAltResources u8 (0..3), port u16,
 * protocol u16 (3 = RDP), then (2.2.10.3) the resource names and the alternative resource names, each an
 * HTTP_UNICODE_STRING. The gateway's RAP is checked against these names as the client sent them.
 */
public record ChannelCreate(List<String> resources, List<String> altResources, int port, int protocol) implements RdgPacket {
    public static final int PROTOCOL_RDP = 3;
    public static final int MAX_RESOURCES = 50;
    public static final int MAX_ALT_RESOURCES = 3;

    public ChannelCreate {
        resources = List.copyOf(resources);
        altResources = List.copyOf(altResources);
        if (resources.isEmpty() || resources.size() > MAX_RESOURCES || altResources.size() > MAX_ALT_RESOURCES) {
            throw new IllegalArgumentException("1..50 resources and 0..3 alternative resources");
        }
    }

    public static ChannelCreate of(String target, int port) {
        return new ChannelCreate(List.of(target), List.of(), port, PROTOCOL_RDP);
    }

    public static ChannelCreate decode(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.CHANNEL_CREATE, "CHANNEL_CREATE");
        int n = Wire.u8(p, Layer.RDG, "CHANNEL_CREATE.numResources");
        if (n < 1 || n > MAX_RESOURCES) {
            throw DecodeException.invalid(Layer.RDG, "CHANNEL_CREATE.numResources", p.readerIndex() - 1,
                    "must be 1.." + MAX_RESOURCES + ", got " + n);
        }
        int alt = Wire.u8(p, Layer.RDG, "CHANNEL_CREATE.numAltResources");
        if (alt > MAX_ALT_RESOURCES) {
            throw DecodeException.invalid(Layer.RDG, "CHANNEL_CREATE.numAltResources", p.readerIndex() - 1,
                    "must be 0.." + MAX_ALT_RESOURCES + ", got " + alt);
        }
        int port = RdgCodec.u16(p, "CHANNEL_CREATE.port");
        int protocol = RdgCodec.u16(p, "CHANNEL_CREATE.protocol");
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add(RdgCodec.readUnicode(p, "CHANNEL_CREATE.resourceName[" + i + "]"));
        }
        List<String> alts = new ArrayList<>(alt);
        for (int i = 0; i < alt; i++) {
            alts.add(RdgCodec.readUnicode(p, "CHANNEL_CREATE.altResourceName[" + i + "]"));
        }
        return new ChannelCreate(names, alts, port, protocol);
    }

    @Override
    public int packetType() {
        return RdgPacketType.CHANNEL_CREATE;
    }

    @Override
    public int encodedLength() {
        int n = RdgHeader.SIZE + 6;
        for (String s : resources) {
            n += RdgCodec.unicodeLength(s);
        }
        for (String s : altResources) {
            n += RdgCodec.unicodeLength(s);
        }
        return n;
    }

    @Override
    public void encode(ByteBuf out) {
        RdgCodec.header(out, packetType(), encodedLength());
        out.writeByte(resources.size()).writeByte(altResources.size()).writeShortLE(port).writeShortLE(protocol);
        resources.forEach(s -> RdgCodec.writeUnicode(out, s));
        altResources.forEach(s -> RdgCodec.writeUnicode(out, s));
    }
}
