package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;

/**
 * T.125 DomainParameters (MS-RDPBCGR 2.2.1.3, 2.2.1.4): a BER SEQUENCE of eight INTEGERs.
 *
 * <pre>
 * 30 LL | 02 01 22 (maxChannelIds) | maxUserIds | maxTokenIds | numPriorities | minThroughput |
 *       | maxHeight | maxMCSPDUsize | protocolVersion
 * </pre>
 */
public record DomainParameters(int maxChannelIds, int maxUserIds, int maxTokenIds, int numPriorities,
                               int minThroughput, int maxHeight, int maxMcsPduSize, int protocolVersion) {
    /** mstsc's targetParameters. */
    public static final DomainParameters TARGET = new DomainParameters(34, 2, 0, 1, 0, 1, 0xFFFF, 2);
    /** mstsc's minimumParameters. */
    public static final DomainParameters MINIMUM = new DomainParameters(1, 1, 1, 1, 0, 1, 0x420, 2);
    /** mstsc's maximumParameters. */
    public static final DomainParameters MAXIMUM = new DomainParameters(0xFFFF, 0xFC17, 0xFFFF, 1, 0, 1, 0xFFFF, 2);

    public static DomainParameters decode(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        ByteBuf s = Ber.readTlv(buf, Ber.TAG_SEQUENCE, field);
        DomainParameters p = new DomainParameters(
                Ber.readInteger(s, field + ".maxChannelIds"), Ber.readInteger(s, field + ".maxUserIds"),
                Ber.readInteger(s, field + ".maxTokenIds"), Ber.readInteger(s, field + ".numPriorities"),
                Ber.readInteger(s, field + ".minThroughput"), Ber.readInteger(s, field + ".maxHeight"),
                Ber.readInteger(s, field + ".maxMCSPDUsize"), Ber.readInteger(s, field + ".protocolVersion"));
        if (s.isReadable()) {
            throw DecodeException.badLength(Layer.MCS, field, at, s.readableBytes() + " byte(s) after protocolVersion");
        }
        return p;
    }

    private int contentLength() {
        return Ber.integerSize(maxChannelIds) + Ber.integerSize(maxUserIds) + Ber.integerSize(maxTokenIds)
                + Ber.integerSize(numPriorities) + Ber.integerSize(minThroughput) + Ber.integerSize(maxHeight)
                + Ber.integerSize(maxMcsPduSize) + Ber.integerSize(protocolVersion);
    }

    public int encodedLength() {
        int c = contentLength();
        return 1 + Ber.lengthSize(c) + c;
    }

    public void encode(ByteBuf buf) {
        buf.writeByte(Ber.TAG_SEQUENCE);
        Ber.writeLength(buf, contentLength());
        Ber.writeInteger(buf, maxChannelIds);
        Ber.writeInteger(buf, maxUserIds);
        Ber.writeInteger(buf, maxTokenIds);
        Ber.writeInteger(buf, numPriorities);
        Ber.writeInteger(buf, minThroughput);
        Ber.writeInteger(buf, maxHeight);
        Ber.writeInteger(buf, maxMcsPduSize);
        Ber.writeInteger(buf, protocolVersion);
    }
}
