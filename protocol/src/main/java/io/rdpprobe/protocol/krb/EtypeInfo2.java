package io.rdpprobe.protocol.krb;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERGeneralString;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * ETYPE-INFO2 (RFC 4120 5.2.7.5): {@code SEQUENCE SIZE (1..MAX) OF SEQUENCE { etype [0] Int32,
 * salt [1] KerberosString OPTIONAL, s2kparams [2] OCTET STRING OPTIONAL }}: the etypes the KDC will accept for
 * pre-authentication, in its order of preference, with the salt of the user's key.
 */
public final class EtypeInfo2 {
    private EtypeInfo2() {}

    public record Entry(int etype, String salt, byte[] s2kparams) {
        public Entry {
            s2kparams = s2kparams == null ? null : s2kparams.clone();
        }

        @Override
        public byte[] s2kparams() {
            return s2kparams == null ? null : s2kparams.clone();
        }

        /** For AES (RFC 3962): the PBKDF2 iteration count, 4096 when s2kparams is absent. */
        public Integer iterations() {
            if (etype != 17 && etype != 18) return null;
            if (s2kparams == null) return 4096;
            if (s2kparams.length != 4) return null;
            return ((s2kparams[0] & 0xff) << 24) | ((s2kparams[1] & 0xff) << 16) | ((s2kparams[2] & 0xff) << 8)
                    | (s2kparams[3] & 0xff);
        }
    }

    public static List<Entry> decode(byte[] der) {
        List<Entry> out = new ArrayList<>();
        for (ASN1Encodable e : KrbDer.sequence(KrbDer.parse(der, "ETYPE-INFO2"), "ETYPE-INFO2")) {
            Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.sequence(e, "ETYPE-INFO2-ENTRY"), "ETYPE-INFO2-ENTRY");
            out.add(new Entry(KrbDer.int32(KrbDer.required(f, 0, "ETYPE-INFO2-ENTRY.etype"), "ETYPE-INFO2-ENTRY.etype"),
                    KrbDer.optString(f, 1, "ETYPE-INFO2-ENTRY.salt"),
                    f.containsKey(2) ? KrbDer.octets(f.get(2), "ETYPE-INFO2-ENTRY.s2kparams") : null));
        }
        return out;
    }

    public static byte[] encode(List<Entry> entries) {
        ASN1EncodableVector v = new ASN1EncodableVector();
        for (Entry e : entries) {
            ASN1EncodableVector x = new ASN1EncodableVector();
            x.add(KrbDer.tag(0, new ASN1Integer(e.etype())));
            if (e.salt() != null) x.add(KrbDer.tag(1, new DERGeneralString(e.salt())));
            if (e.s2kparams != null) x.add(KrbDer.tag(2, new DEROctetString(e.s2kparams)));
            v.add(new DERSequence(x));
        }
        return KrbDer.der(new DERSequence(v));
    }
}
