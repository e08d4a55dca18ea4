package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;

/**
 * MCS Connect-Initial (MS-RDPBCGR 2.2.1.3; T.125 section 7, part 2), BER encoded. The user data is the
 * GCC Conference Create Request ({@link io.rdpprobe.protocol.gcc.ConferenceCreateRequest}).
 *
 * <pre>
 * 7F 65 LL..            [APPLICATION 101]
 *   04 01 01            callingDomainSelector
 *   04 01 01            calledDomainSelector
 *   01 01 FF            upwardFlag
 *   30 .. x3            targetParameters, minimumParameters, maximumParameters
 *   04 LL.. userData    GCC Conference Create Request
 * </pre>
 *
 * <p>Decoded from the first byte after the X.224 Data header.
 *
 * <p>The user data is not copied (issue 13: the copy was 336 of a decode's 1,392 bytes): a decoded record holds a
 * slice of the decoded buffer, valid as long as that buffer's memory is, like {@link SendData#data()} and
 * {@link io.rdpprobe.protocol.x224.DataTpdu#userData()}. Every user decodes the GCC request from it at once; one that
 * keeps the PDU beyond its buffer copies the bytes ({@code ByteBufUtil.getBytes(ci.userData())}). The record never
 * moves the slice's indices, and {@link #userData()} returns a duplicate, so reading the user data (which moves
 * that duplicate's reader index) leaves the record, its {@code equals} (by content, as {@link ByteBuf#equals}) and
 * its encoding unchanged.
 *
 * @param userData the GCC Conference Create Request: its readable bytes
 */
public record ConnectInitial(byte[] callingDomainSelector, byte[] calledDomainSelector, boolean upwardFlag,
                             DomainParameters targetParameters, DomainParameters minimumParameters,
                             DomainParameters maximumParameters, ByteBuf userData) {

    public ConnectInitial {
        java.util.Objects.requireNonNull(userData, "userData");
    }

    /** mstsc's Connect-Initial around the given GCC user data. */
    public static ConnectInitial of(byte[] gccUserData) {
        return new ConnectInitial(new byte[] {1}, new byte[] {1}, true, DomainParameters.TARGET,
                DomainParameters.MINIMUM, DomainParameters.MAXIMUM, Unpooled.wrappedBuffer(gccUserData));
    }

    /** The user data's readable bytes, as a duplicate: its reader index is the caller's to move. */
    @Override
    public ByteBuf userData() {
        return userData.duplicate();
    }

    public static ConnectInitial decode(ByteBuf buf) {
        int start = buf.readerIndex();
        Ber.expectApplicationTag(buf, Ber.APP_CONNECT_INITIAL, "Connect-Initial");
        int len = Ber.readLength(buf, "Connect-Initial");
        io.rdpprobe.protocol.codec.Wire.need(buf, len, Layer.MCS, "Connect-Initial");
        int limit = buf.writerIndex(); // read in place up to the PDU's end (restored below), not from a slice
        buf.writerIndex(buf.readerIndex() + len);
        try {
            byte[] calling = Ber.readOctetString(buf, "callingDomainSelector");
            byte[] called = Ber.readOctetString(buf, "calledDomainSelector");
            boolean upward = Ber.readBoolean(buf, "upwardFlag");
            DomainParameters target = DomainParameters.decode(buf, "targetParameters");
            DomainParameters min = DomainParameters.decode(buf, "minimumParameters");
            DomainParameters max = DomainParameters.decode(buf, "maximumParameters");
            ByteBuf user = Ber.readOctetStringSlice(buf, "userData");
            if (buf.isReadable()) {
                throw DecodeException.badLength(Layer.MCS, "Connect-Initial", start, buf.readableBytes() + " byte(s) after userData");
            }
            return new ConnectInitial(calling, called, upward, target, min, max, user);
        } finally {
            buf.writerIndex(limit);
        }
    }

    private int contentLength() {
        return Ber.octetStringSize(callingDomainSelector.length) + Ber.octetStringSize(calledDomainSelector.length) + 3
                + targetParameters.encodedLength() + minimumParameters.encodedLength()
                + maximumParameters.encodedLength() + Ber.octetStringSize(userData.readableBytes());
    }

    public int encodedLength() {
        int c = contentLength();
        return 2 + Ber.lengthSize(c) + c;
    }

    public void encode(ByteBuf buf) {
        Ber.writeApplicationTag(buf, Ber.APP_CONNECT_INITIAL, contentLength());
        Ber.writeOctetString(buf, callingDomainSelector);
        Ber.writeOctetString(buf, calledDomainSelector);
        Ber.writeBoolean(buf, upwardFlag);
        targetParameters.encode(buf);
        minimumParameters.encode(buf);
        maximumParameters.encode(buf);
        Ber.writeOctetString(buf, userData);
    }
}
