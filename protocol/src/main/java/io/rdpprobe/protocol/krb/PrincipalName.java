package io.rdpprobe.protocol.krb;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERGeneralString;
import org.bouncycastle.asn1.DERSequence;

/**
 * PrincipalName (RFC 4120 5.2.2): {@code SEQUENCE { name-type [0] Int32, name-string [1] SEQUENCE OF KerberosString }}.
 * NT-PRINCIPAL = 1, NT-SRV-INST = 2 (krbtgt/REALM, TERMSRV/host), NT-SRV-HST = 3.
 */
public record PrincipalName(int nameType, List<String> components) {
    public static final int NT_PRINCIPAL = 1;
    public static final int NT_SRV_INST = 2;

    public PrincipalName {
        components = List.copyOf(components);
    }

    public static PrincipalName user(String name) {
        return new PrincipalName(NT_PRINCIPAL, List.of(name));
    }

    /** "a/b" -> NT-SRV-INST [a, b]. */
    public static PrincipalName service(String spn) {
        return new PrincipalName(NT_SRV_INST, List.of(spn.split("/", -1)));
    }

    public static PrincipalName decode(ASN1Primitive p, String field) {
        ASN1Sequence s = KrbDer.sequence(p, field);
        Map<Integer, ASN1Primitive> f = KrbDer.fields(s, field);
        int type = KrbDer.int32(KrbDer.required(f, 0, field + ".name-type"), field + ".name-type");
        ASN1Sequence names = KrbDer.sequence(KrbDer.required(f, 1, field + ".name-string"), field + ".name-string");
        List<String> parts = new ArrayList<>();
        for (ASN1Encodable e : names) {
            parts.add(KrbDer.string(e.toASN1Primitive(), field + ".name-string"));
        }
        if (parts.isEmpty()) {
            throw DecodeException.invalid(Layer.KERBEROS, field + ".name-string", 0, "no components");
        }
        return new PrincipalName(type, parts);
    }

    public DERSequence toAsn1() {
        ASN1EncodableVector n = new ASN1EncodableVector();
        for (String c : components) {
            n.add(new DERGeneralString(c));
        }
        ASN1EncodableVector v = new ASN1EncodableVector();
        v.add(KrbDer.tag(0, new ASN1Integer(nameType)));
        v.add(KrbDer.tag(1, new DERSequence(n)));
        return new DERSequence(v);
    }

    @Override
    public String toString() {
        return String.join("/", components);
    }
}
