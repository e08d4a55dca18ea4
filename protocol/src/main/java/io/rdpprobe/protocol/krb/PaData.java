package io.rdpprobe.protocol.krb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/** PA-DATA (RFC 4120 5.2.7): {@code SEQUENCE { padata-type [1] Int32, padata-value [2] OCTET STRING }}. */
public record PaData(int type, byte[] value) {
    public static final int PA_ENC_TIMESTAMP = 2;
    public static final int PA_ETYPE_INFO2 = 19;
    public static final int PA_PAC_REQUEST = 128;

    public PaData {
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    /** METHOD-DATA ::= SEQUENCE OF PA-DATA (a KRB-ERROR's e-data). */
    public static List<PaData> decodeMethodData(byte[] der) {
        return decodeList(KrbDer.parse(der, "METHOD-DATA"), "METHOD-DATA");
    }

    static List<PaData> decodeList(ASN1Primitive p, String field) {
        List<PaData> out = new ArrayList<>();
        for (ASN1Encodable e : KrbDer.sequence(p, field)) {
            Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.sequence(e, field + ".PA-DATA"), field + ".PA-DATA");
            out.add(new PaData(KrbDer.int32(KrbDer.required(f, 1, "PA-DATA.padata-type"), "PA-DATA.padata-type"),
                    KrbDer.octets(KrbDer.required(f, 2, "PA-DATA.padata-value"), "PA-DATA.padata-value")));
        }
        return out;
    }

    DERSequence toAsn1() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(KrbDer.tag(1, new ASN1Integer(type)));
        v.add(KrbDer.tag(2, new DEROctetString(value)));
        return new DERSequence(v);
    }

    static DERSequence list(List<PaData> l) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        for (PaData p : l) v.add(p.toAsn1());
        return new DERSequence(v);
    }

    static boolean isSequence(ASN1Primitive p) {
        return p instanceof ASN1Sequence;
    }
}
