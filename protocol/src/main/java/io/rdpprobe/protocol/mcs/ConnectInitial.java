package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
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
 */
public record ConnectInitial(byte[] callingDomainSelector, byte[] calledDomainSelector, boolean upwardFlag,
                             DomainParameters targetParameters, DomainParameters minimumParameters,
                             DomainParameters maximumParameters, byte[] userData) {

    /** mstsc's Connect-Initial around the given GCC user data. */
    public static ConnectInitial of(byte[] gccUserData) {
        return new ConnectInitial(new byte[] {1}, new byte[] {1}, true, DomainParameters.TARGET,
                DomainParameters.MINIMUM, DomainParameters.MAXIMUM, gccUserData);
    }

    public static ConnectInitial decode(ByteBuf buf) {
        int start = buf.readerIndex();
        Ber.expectApplicationTag(buf, Ber.APP_CONNECT_INITIAL, "Connect-Initial");
        int len = Ber.readLength(buf, "Connect-Initial");
        ByteBuf b = io.rdpprobe.protocol.codec.Wire.slice(buf, len, Layer.MCS, "Connect-Initial");
        byte[] calling = Ber.readOctetString(b, "callingDomainSelector");
        byte[] called = Ber.readOctetString(b, "calledDomainSelector");
        boolean upward = Ber.readBoolean(b, "upwardFlag");
        DomainParameters target = DomainParameters.decode(b, "targetParameters");
        DomainParameters min = DomainParameters.decode(b, "minimumParameters");
        DomainParameters max = DomainParameters.decode(b, "maximumParameters");
        byte[] user = Ber.readOctetString(b, "userData");
        if (b.isReadable()) {
            throw DecodeException.badLength(Layer.MCS, "Connect-Initial", start, b.readableBytes() + " byte(s) after userData");
        }
        return new ConnectInitial(calling, called, upward, target, min, max, user);
    }

    private int contentLength() {
        return Ber.octetStringSize(callingDomainSelector.length) + Ber.octetStringSize(calledDomainSelector.length) + 3
                + targetParameters.encodedLength() + minimumParameters.encodedLength()
                + maximumParameters.encodedLength() + Ber.octetStringSize(userData.length);
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
