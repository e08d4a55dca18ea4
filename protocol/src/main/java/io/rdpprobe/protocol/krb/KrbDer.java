package io.rdpprobe.protocol.krb;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1GeneralizedTime;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERGeneralizedTime;
import org.bouncycastle.asn1.DERTaggedObject;

/** DER helpers shared by the Kerberos records: explicit [n] fields, Int32, KerberosTime, KerberosString. */
final class KrbDer {
    private KrbDer() {}

    private static final DateTimeFormatter KERBEROS_TIME =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Parses one framed TLV of peer DER (pre-checked, so the parser cannot be driven deep or large). */
    static ASN1Primitive parse(byte[] der, String field) {
        io.rdpprobe.protocol.credssp.DerCheck.check(der, Layer.KERBEROS, field);
        try {
            return ASN1Primitive.fromByteArray(der);
        } catch (IOException | RuntimeException e) {
            throw DecodeException.invalid(Layer.KERBEROS, field, 0, "malformed DER: " + e.getMessage());
        }
    }

    /** The SEQUENCE inside an [APPLICATION n] wrapper, checking n. */
    static ASN1Sequence application(ASN1Primitive p, int tag, String field) {
        if (!(p instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.APPLICATION) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected [APPLICATION " + tag + "]");
        }
        if (t.getTagNo() != tag) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0,
                    "expected [APPLICATION " + tag + "], found [APPLICATION " + t.getTagNo() + "]");
        }
        return sequence(t.getBaseObject(), field);
    }

    static ASN1Sequence sequence(ASN1Encodable e, String field) {
        ASN1Primitive p = e.toASN1Primitive();
        if (p instanceof ASN1TaggedObject t && t.getTagClass() == BERTags.APPLICATION) {
            p = t.getBaseObject().toASN1Primitive();
        }
        if (!(p instanceof ASN1Sequence s)) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected a SEQUENCE");
        }
        return s;
    }

    /** The explicit [n] fields of a SEQUENCE by tag number; duplicates and non-context tags are errors. */
    static Map<Integer, ASN1Primitive> fields(ASN1Sequence s, String field) {
        Map<Integer, ASN1Primitive> m = new HashMap<>();
        for (ASN1Encodable e : s) {
            if (!(e instanceof ASN1TaggedObject t) || t.getTagClass() != BERTags.CONTEXT_SPECIFIC || !t.isExplicit()) {
                throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected explicit [n] fields");
            }
            if (m.put(t.getTagNo(), t.getExplicitBaseObject().toASN1Primitive()) != null) {
                throw DecodeException.invalid(Layer.KERBEROS, field + " [" + t.getTagNo() + "]", 0, "appears twice");
            }
        }
        return m;
    }

    static ASN1Primitive required(Map<Integer, ASN1Primitive> m, int tag, String field) {
        ASN1Primitive p = m.get(tag);
        if (p == null) {
            throw DecodeException.invalid(Layer.KERBEROS, field, 0, "missing");
        }
        return p;
    }

    static int int32(ASN1Primitive p, String field) {
        if (!(p instanceof ASN1Integer i)) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected an INTEGER");
        }
        BigInteger v = i.getValue();
        if (v.bitLength() > 31) {
            throw DecodeException.invalid(Layer.KERBEROS, field, 0, "value " + v + " does not fit Int32");
        }
        return v.intValue();
    }

    static Integer optInt32(Map<Integer, ASN1Primitive> m, int tag, String field) {
        ASN1Primitive p = m.get(tag);
        return p == null ? null : int32(p, field);
    }

    static Instant time(ASN1Primitive p, String field) {
        if (!(p instanceof ASN1GeneralizedTime g)) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected KerberosTime (GeneralizedTime)");
        }
        String s = g.getTimeString();
        try {
            return Instant.from(KERBEROS_TIME.parse(s));
        } catch (RuntimeException e) {
            throw DecodeException.invalid(Layer.KERBEROS, field, 0, "'" + s + "' is not YYYYMMDDHHMMSSZ");
        }
    }

    static Instant optTime(Map<Integer, ASN1Primitive> m, int tag, String field) {
        ASN1Primitive p = m.get(tag);
        return p == null ? null : time(p, field);
    }

    static String string(ASN1Primitive p, String field) {
        if (!(p instanceof ASN1String s)) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected a KerberosString");
        }
        try {
            return s.getString();
        } catch (IllegalArgumentException e) {   // BouncyCastle's UTF8String rejects malformed UTF-8 this way
            throw DecodeException.invalid(Layer.KERBEROS, field, 0, "not valid UTF-8 (RFC 4120 5.2.1 KerberosString)");
        }
    }

    static String optString(Map<Integer, ASN1Primitive> m, int tag, String field) {
        ASN1Primitive p = m.get(tag);
        return p == null ? null : string(p, field);
    }

    static byte[] octets(ASN1Primitive p, String field) {
        if (!(p instanceof ASN1OctetString o)) {
            throw DecodeException.unexpected(Layer.KERBEROS, field, 0, "expected an OCTET STRING");
        }
        return o.getOctets();
    }

    static DERTaggedObject tag(int n, ASN1Encodable e) {
        return new DERTaggedObject(true, n, e);
    }

    static DERGeneralizedTime kerberosTime(Instant t) {
        return new DERGeneralizedTime(KERBEROS_TIME.format(t));
    }

    static byte[] der(ASN1Encodable e) {
        try {
            return e.toASN1Primitive().getEncoded(ASN1Encoding.DER);
        } catch (IOException x) {
            throw new IllegalStateException(x);
        }
    }
}
