package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * MCS Connect-Response (MS-RDPBCGR 2.2.1.4; T.125), BER encoded. The user data is the GCC Conference
 * Create Response ({@link io.rdpprobe.protocol.gcc.ConferenceCreateResponse}).
 *
 * <pre>
 * 7F 66 LL..          [APPLICATION 102]
 *   0A 01 rr          result (rt-successful = 0, rt-user-rejected = 15, ...)
 *   02 01 00          calledConnectId
 *   30 ..             domainParameters
 *   04 LL.. userData  GCC Conference Create Response
 * </pre>
 *
 * <p>Encoding writes integers in mstsc's minimal unsigned width; Windows servers use the signed width
 * (0xFFF8 as {@code 02 03 00 FF F8}), so a server's response round-trips by value, not byte for byte.
 */
public record ConnectResponse(McsResult result, int calledConnectId, DomainParameters domainParameters, byte[] userData) {

    public static ConnectResponse decode(ByteBuf buf) {
        int start = buf.readerIndex();
        Ber.expectApplicationTag(buf, Ber.APP_CONNECT_RESPONSE, "Connect-Response");
        int len = Ber.readLength(buf, "Connect-Response");
        ByteBuf b = Wire.slice(buf, len, Layer.MCS, "Connect-Response");
        McsResult result = new McsResult(Ber.readEnumerated(b, "result"));
        int connectId = Ber.readInteger(b, "calledConnectId");
        DomainParameters params = DomainParameters.decode(b, "domainParameters");
        byte[] user = Ber.readOctetString(b, "userData");
        if (b.isReadable()) {
            throw DecodeException.badLength(Layer.MCS, "Connect-Response", start, b.readableBytes() + " byte(s) after userData");
        }
        return new ConnectResponse(result, connectId, params, user);
    }

    private int contentLength() {
        return Ber.integerSize(result.value()) + Ber.integerSize(calledConnectId) + domainParameters.encodedLength()
                + Ber.octetStringSize(userData.length);
    }

    public int encodedLength() {
        int c = contentLength();
        return 2 + Ber.lengthSize(c) + c;
    }

    public void encode(ByteBuf buf) {
        Ber.writeApplicationTag(buf, Ber.APP_CONNECT_RESPONSE, contentLength());
        Ber.writeEnumerated(buf, result.value());
        Ber.writeInteger(buf, calledConnectId);
        domainParameters.encode(buf);
        Ber.writeOctetString(buf, userData);
    }
}
