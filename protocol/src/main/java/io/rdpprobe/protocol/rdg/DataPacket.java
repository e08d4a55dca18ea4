package io.rdpprobe.protocol.rdg;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.Arrays;

/**
 * HTTP_DATA_PACKET (MS-TSGU 2.2.10.6): cbDataLen u16, then the tunnelled bytes of the target connection.
 * The record copies; the tunnel's hot path uses {@link #payload} and {@link #writeHeader}, which do not.
 */
public record DataPacket(byte[] data) implements RdgPacket {
    /** cbDataLen is 16 bits. */
    public static final int MAX_DATA = 0xFFFF;
    public static final int OVERHEAD = RdgHeader.SIZE + 2;

    public DataPacket {
        if (data.length > MAX_DATA) {
            throw new IllegalArgumentException("a DATA packet carries at most 65535 bytes");
        }
        data = data.clone();
    }

    public static DataPacket decode(ByteBuf buf) {
        ByteBuf p = payload(buf);
        return new DataPacket(Wire.bytes(p, p.readableBytes(), Layer.RDG, "DATA.data"));
    }

    /**
     * Consumes one DATA packet from {@code buf} and returns a slice of its data (no copy, not retained),
     * after checking cbDataLen against packetLength.
     */
    public static ByteBuf payload(ByteBuf buf) {
        ByteBuf p = RdgCodec.open(buf, RdgPacketType.DATA, "DATA");
        int n = RdgCodec.u16(p, "DATA.cbDataLen");
        if (n > p.readableBytes()) {
            throw DecodeException.badLength(Layer.RDG, "DATA.cbDataLen", RdgHeader.SIZE,
                    "cbDataLen " + n + " but the packet holds " + p.readableBytes() + " byte(s) of data");
        }
        return p.readSlice(n);
    }

    /** Writes the header of a DATA packet that carries {@code n} bytes; the caller writes the bytes. */
    public static void writeHeader(ByteBuf out, int n) {
        if (n < 0 || n > MAX_DATA) {
            throw new IllegalArgumentException("DATA length " + n);
        }
        RdgCodec.header(out, RdgPacketType.DATA, OVERHEAD + n);
        out.writeShortLE(n);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public int packetType() {
        return RdgPacketType.DATA;
    }

    @Override
    public int encodedLength() {
        return OVERHEAD + data.length;
    }

    @Override
    public void encode(ByteBuf out) {
        writeHeader(out, data.length);
        out.writeBytes(data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DataPacket d && Arrays.equals(data, d.data);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "DataPacket[" + data.length + " bytes]";
    }
}
