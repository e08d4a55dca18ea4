package io.rdpprobe.protocol.credssp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.math.BigInteger;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * TSCredentials (MS-CSSP 2.2.1.2): {@code SEQUENCE { credType [0] INTEGER, credentials [1] OCTET STRING }}.
 * credType 1 = TSPasswordCreds, 2 = TSSmartCardCreds, 6 = TSRemoteGuardCreds. toString never shows the
 * credentials.
 */
public record TsCredentials(int credType, byte[] credentials) {
    public static final int PASSWORD = 1;
    public static final int SMART_CARD = 2;
    public static final int REMOTE_GUARD = 6;

    public byte[] toBytes() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(new DERTaggedObject(true, 0, new ASN1Integer(credType)));
        v.add(new DERTaggedObject(true, 1, new DEROctetString(credentials)));
        try {
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public void encode(ByteBuf buf) {
        buf.writeBytes(toBytes());
    }

    public int encodedLength() {
        return toBytes().length;
    }

    /** Decodes all readable bytes (used by test servers and the capture analyser). */
    public static TsCredentials decode(ByteBuf buf) {
        int start = buf.readerIndex();
        byte[] der = Wire.bytes(buf, buf.readableBytes(), Layer.CREDSSP, "TSCredentials");
        try {
            DerCheck.check(der, Layer.CREDSSP, "TSCredentials");
            ASN1Sequence s = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (s.size() != 2) {
                throw DecodeException.invalid(Layer.CREDSSP, "TSCredentials", start, "expected 2 fields, got " + s.size());
            }
            BigInteger type = ASN1Integer.getInstance(ASN1TaggedObject.getInstance(s.getObjectAt(0)).getExplicitBaseObject())
                    .getValue();
            byte[] creds = ASN1OctetString.getInstance(ASN1TaggedObject.getInstance(s.getObjectAt(1)).getExplicitBaseObject())
                    .getOctets();
            if (type.bitLength() > 31) {
                throw DecodeException.invalid(Layer.CREDSSP, "TSCredentials.credType", start, "out of range");
            }
            return new TsCredentials(type.intValue(), creds);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw DecodeException.invalid(Layer.CREDSSP, "TSCredentials", start, "malformed DER: " + e.getMessage());
        }
    }

    public static TsCredentials decode(byte[] der) {
        return decode(Unpooled.wrappedBuffer(der));
    }

    @Override
    public String toString() {
        return "TSCredentials[credType=" + credType + ", credentials=" + credentials.length + "B]";
    }
}
