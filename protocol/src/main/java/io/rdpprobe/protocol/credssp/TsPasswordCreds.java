package io.rdpprobe.protocol.credssp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * TSPasswordCreds (MS-CSSP 2.2.1.2.1), UTF-16LE strings:
 * {@code SEQUENCE { domainName [0] OCTET STRING, userName [1] OCTET STRING, password [2] OCTET STRING }}.
 * Empty fields everywhere = Restricted Admin mode. toString never shows the password; {@link #clear()}
 * zeroes it.
 */
public record TsPasswordCreds(String domainName, String userName, char[] password) {
    public TsPasswordCreds {
        domainName = domainName == null ? "" : domainName;
        userName = userName == null ? "" : userName;
        password = password == null ? new char[0] : password.clone();
    }

    /** DER bytes (they contain the password: zero them after sealing). */
    public byte[] toBytes() {
        ByteBuffer pw = StandardCharsets.UTF_16LE.encode(CharBuffer.wrap(password));
        byte[] pwBytes = new byte[pw.remaining()];
        pw.get(pwBytes);
        if (pw.hasArray()) {
            Arrays.fill(pw.array(), (byte) 0);
        }
        try {
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(new DERTaggedObject(true, 0, new DEROctetString(domainName.getBytes(StandardCharsets.UTF_16LE))));
            v.add(new DERTaggedObject(true, 1, new DEROctetString(userName.getBytes(StandardCharsets.UTF_16LE))));
            v.add(new DERTaggedObject(true, 2, new DEROctetString(pwBytes)));
            return new DERSequence(v).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } finally {
            Arrays.fill(pwBytes, (byte) 0);
        }
    }

    public void encode(ByteBuf buf) {
        byte[] b = toBytes();
        buf.writeBytes(b);
        Arrays.fill(b, (byte) 0);
    }

    /** Decodes all readable bytes (used by test servers). */
    public static TsPasswordCreds decode(ByteBuf buf) {
        int start = buf.readerIndex();
        byte[] der = Wire.bytes(buf, buf.readableBytes(), Layer.CREDSSP, "TSPasswordCreds");
        try {
            DerCheck.check(der, Layer.CREDSSP, "TSPasswordCreds");
            ASN1Sequence s = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
            if (s.size() != 3) {
                throw DecodeException.invalid(Layer.CREDSSP, "TSPasswordCreds", start, "expected 3 fields, got " + s.size());
            }
            String[] f = new String[3];
            for (int i = 0; i < 3; i++) {
                ASN1TaggedObject t = ASN1TaggedObject.getInstance(s.getObjectAt(i));
                if (t.getTagNo() != i) {
                    throw DecodeException.invalid(Layer.CREDSSP, "TSPasswordCreds[" + i + "]", start, "unexpected tag");
                }
                byte[] o = ASN1OctetString.getInstance(t.getExplicitBaseObject()).getOctets();
                f[i] = new String(o, 0, o.length & ~1, StandardCharsets.UTF_16LE);
            }
            return new TsPasswordCreds(f[0], f[1], f[2].toCharArray());
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw DecodeException.invalid(Layer.CREDSSP, "TSPasswordCreds", start, "malformed DER");
        } finally {
            Arrays.fill(der, (byte) 0);
        }
    }

    public static TsPasswordCreds decode(byte[] der) {
        return decode(Unpooled.wrappedBuffer(der));
    }

    @Override
    public char[] password() {
        return password.clone();
    }

    public void clear() {
        Arrays.fill(password, '\0');
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TsPasswordCreds p && p.domainName.equals(domainName) && p.userName.equals(userName)
                && Arrays.equals(p.password, password);
    }

    @Override
    public int hashCode() {
        return domainName.hashCode() * 31 + userName.hashCode();
    }

    @Override
    public String toString() {
        return "TSPasswordCreds[domain=" + domainName + ", user=" + userName + ", password=***]";
    }
}
