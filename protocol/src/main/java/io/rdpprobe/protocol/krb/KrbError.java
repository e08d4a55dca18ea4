package io.rdpprobe.protocol.krb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERGeneralString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;
import org.bouncycastle.asn1.BERTags;

/**
 * KRB-ERROR (RFC 4120 5.9.1):
 * <pre>
 * KRB-ERROR ::= [APPLICATION 30] SEQUENCE {
 *   pvno [0] 5, msg-type [1] 30, ctime [2] KerberosTime OPTIONAL, cusec [3] Microseconds OPTIONAL,
 *   stime [4] KerberosTime, susec [5] Microseconds, error-code [6] Int32, crealm [7] Realm OPTIONAL,
 *   cname [8] PrincipalName OPTIONAL, realm [9] Realm, sname [10] PrincipalName,
 *   e-text [11] KerberosString OPTIONAL, e-data [12] OCTET STRING OPTIONAL }
 * </pre>
 * {@code stime}/{@code susec} are the KDC's clock when it answered: the probe's clock-offset evidence.
 * For KDC_ERR_PREAUTH_REQUIRED (and PREAUTH_FAILED) e-data is METHOD-DATA ({@link PaData#decodeMethodData}).
 */
public record KrbError(Instant ctime, Integer cusec, Instant stime, int susec, int errorCode, String crealm,
                       PrincipalName cname, String realm, PrincipalName sname, String eText, byte[] eData) {
    public static final int MSG_TYPE = 30;

    public KrbError {
        eData = eData == null ? null : eData.clone();
    }

    @Override
    public byte[] eData() {
        return eData == null ? null : eData.clone();
    }

    /** The KDC's time with microseconds. */
    public Instant serverTime() {
        return stime.plusNanos(susec * 1000L);
    }

    /** The code's RFC 4120 7.5.9 name ({@code KDC_ERR_PREAUTH_REQUIRED}); {@code KRB_ERROR_<n>} when unassigned. */
    public String errorName() {
        return KrbErrorCode.name(errorCode);
    }

    /** PA-ETYPE-INFO2 of the e-data's METHOD-DATA, or an empty list. */
    public List<EtypeInfo2.Entry> etypeInfo2() {
        if (eData == null) {
            return List.of();
        }
        for (PaData pa : PaData.decodeMethodData(eData)) {
            if (pa.type() == PaData.PA_ETYPE_INFO2) {
                return EtypeInfo2.decode(pa.value());
            }
        }
        return List.of();
    }

    /**
     * Decodes one KRB-ERROR from all readable bytes.
     *
     * @throws DecodeException of layer KERBEROS on malformed or truncated input
     */
    public static KrbError decode(ByteBuf buf) {
        return decode(ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes()));
    }

    public static KrbError decode(byte[] der) {
        return fromAsn1(KrbDer.parse(der, "KRB-ERROR"));
    }

    static KrbError fromAsn1(ASN1Primitive p) {
        Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.application(p, MSG_TYPE, "KRB-ERROR"), "KRB-ERROR");
        int pvno = KrbDer.int32(KrbDer.required(f, 0, "KRB-ERROR.pvno"), "KRB-ERROR.pvno");
        if (pvno != 5) {
            throw DecodeException.invalid(Layer.KERBEROS, "KRB-ERROR.pvno", 0, "pvno " + pvno + ", expected 5");
        }
        int type = KrbDer.int32(KrbDer.required(f, 1, "KRB-ERROR.msg-type"), "KRB-ERROR.msg-type");
        if (type != MSG_TYPE) {
            throw DecodeException.unexpected(Layer.KERBEROS, "KRB-ERROR.msg-type", 0, "msg-type " + type + ", expected 30");
        }
        int susec = KrbDer.int32(KrbDer.required(f, 5, "KRB-ERROR.susec"), "KRB-ERROR.susec");
        if (susec < 0 || susec > 999_999) {
            throw DecodeException.invalid(Layer.KERBEROS, "KRB-ERROR.susec", 0, susec + " is not 0..999999");
        }
        return new KrbError(
                KrbDer.optTime(f, 2, "KRB-ERROR.ctime"),
                KrbDer.optInt32(f, 3, "KRB-ERROR.cusec"),
                KrbDer.time(KrbDer.required(f, 4, "KRB-ERROR.stime"), "KRB-ERROR.stime"),
                susec,
                KrbDer.int32(KrbDer.required(f, 6, "KRB-ERROR.error-code"), "KRB-ERROR.error-code"),
                KrbDer.optString(f, 7, "KRB-ERROR.crealm"),
                f.containsKey(8) ? PrincipalName.decode(f.get(8), "KRB-ERROR.cname") : null,
                KrbDer.string(KrbDer.required(f, 9, "KRB-ERROR.realm"), "KRB-ERROR.realm"),
                PrincipalName.decode(KrbDer.required(f, 10, "KRB-ERROR.sname"), "KRB-ERROR.sname"),
                KrbDer.optString(f, 11, "KRB-ERROR.e-text"),
                f.containsKey(12) ? KrbDer.octets(f.get(12), "KRB-ERROR.e-data") : null);
    }

    public void encode(ByteBuf out) {
        out.writeBytes(toBytes());
    }

    public byte[] toBytes() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(KrbDer.tag(0, new ASN1Integer(5)));
        v.add(KrbDer.tag(1, new ASN1Integer(MSG_TYPE)));
        if (ctime != null) v.add(KrbDer.tag(2, KrbDer.kerberosTime(ctime)));
        if (cusec != null) v.add(KrbDer.tag(3, new ASN1Integer(cusec)));
        v.add(KrbDer.tag(4, KrbDer.kerberosTime(stime)));
        v.add(KrbDer.tag(5, new ASN1Integer(susec)));
        v.add(KrbDer.tag(6, new ASN1Integer(errorCode)));
        if (crealm != null) v.add(KrbDer.tag(7, new DERGeneralString(crealm)));
        if (cname != null) v.add(KrbDer.tag(8, cname.toAsn1()));
        v.add(KrbDer.tag(9, new DERGeneralString(realm)));
        v.add(KrbDer.tag(10, sname.toAsn1()));
        if (eText != null) v.add(KrbDer.tag(11, new DERGeneralString(eText)));
        if (eData != null) v.add(KrbDer.tag(12, new DEROctetString(eData)));
        return KrbDer.der(new DERTaggedObject(true, BERTags.APPLICATION, MSG_TYPE, new DERSequence(v)));
    }
}
