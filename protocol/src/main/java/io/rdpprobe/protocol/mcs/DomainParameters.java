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

    private static final DomainParameters[] SHARED = {TARGET, MINIMUM, MAXIMUM};

    private boolean is(int channels, int users, int tokens, int priorities, int throughput, int height, int pduSize,
                       int version) {
        return maxChannelIds == channels && maxUserIds == users && maxTokenIds == tokens && numPriorities == priorities
                && minThroughput == throughput && maxHeight == height && maxMcsPduSize == pduSize
                && protocolVersion == version;
    }

    public static DomainParameters decode(ByteBuf buf, String field) {
        int at = buf.readerIndex();
        int len = Ber.readHeader(buf, Ber.TAG_SEQUENCE, field, "");
        // The eight INTEGERs are read in place, bounded by the SEQUENCE's length (the writer index is lowered to
        // its end and restored): no slice, and no field name is built unless one of them is malformed.
        int limit = buf.writerIndex();
        buf.writerIndex(buf.readerIndex() + len);
        try {
            int channels = Ber.readInteger(buf, field, ".maxChannelIds");
            int users = Ber.readInteger(buf, field, ".maxUserIds");
            int tokens = Ber.readInteger(buf, field, ".maxTokenIds");
            int priorities = Ber.readInteger(buf, field, ".numPriorities");
            int throughput = Ber.readInteger(buf, field, ".minThroughput");
            int height = Ber.readInteger(buf, field, ".maxHeight");
            int pduSize = Ber.readInteger(buf, field, ".maxMCSPDUsize");
            int version = Ber.readInteger(buf, field, ".protocolVersion");
            if (buf.isReadable()) {
                throw DecodeException.badLength(Layer.MCS, field, at, buf.readableBytes() + " byte(s) after protocolVersion");
            }
            // mstsc's, FreeRDP's and this probe's three sets are the same: share them. The values are compared
            // before any record is made (a record built first and returned on one path is not scalar-replaced:
            // 3 x 48 B per Connect-Initial).
            for (DomainParameters shared : SHARED) {
                if (shared.is(channels, users, tokens, priorities, throughput, height, pduSize, version)) {
                    return shared;
                }
            }
            return new DomainParameters(channels, users, tokens, priorities, throughput, height, pduSize, version);
        } finally {
            buf.writerIndex(limit);
        }
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
