package io.rdpprobe.protocol.krb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERGeneralString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * AS-REQ (RFC 4120 5.4.1), the fields a client without pre-authentication sends:
 * <pre>
 * AS-REQ ::= [APPLICATION 10] KDC-REQ
 * KDC-REQ ::= SEQUENCE { pvno [1] 5, msg-type [2] 10, padata [3] SEQUENCE OF PA-DATA OPTIONAL, req-body [4] KDC-REQ-BODY }
 * KDC-REQ-BODY ::= SEQUENCE { kdc-options [0] KDCOptions, cname [1] PrincipalName, realm [2] Realm,
 *   sname [3] PrincipalName, till [5] KerberosTime, nonce [7] UInt32, etype [8] SEQUENCE OF Int32 }
 * </pre>
 * Sent without padata, a KDC that requires pre-authentication answers KDC_ERR_PREAUTH_REQUIRED with its
 * clock and PA-ETYPE-INFO2, and one that finds the client unknown, locked or expired says so: no secret is
 * involved. {@code kdcOptions} is the 32-bit KDCOptions value (bit 0 = the most significant bit).
 */
public record AsReq(int kdcOptions, PrincipalName cname, String realm, PrincipalName sname, Instant till,
                    int nonce, List<Integer> etypes, List<PaData> padata) {
    public static final int MSG_TYPE = 10;
    /** forwardable | renewable | canonicalize | renewable-ok, as Windows sends (0x40810010). */
    public static final int WINDOWS_OPTIONS = 0x40810010;
    /** The "no end" time Windows asks for. */
    public static final Instant FAR_FUTURE = Instant.parse("2037-09-13T02:48:05Z");

    public AsReq {
        etypes = List.copyOf(etypes);
        padata = List.copyOf(padata);
        if (nonce < 0) throw new IllegalArgumentException("nonce is UInt32 but sent as a positive Int32 here");
    }

    /** A TGT request for {@code user@realm} without pre-authentication. */
    public static AsReq forTgt(String user, String realm, int nonce, List<Integer> etypes) {
        return new AsReq(WINDOWS_OPTIONS, PrincipalName.user(user), realm,
                new PrincipalName(PrincipalName.NT_SRV_INST, List.of("krbtgt", realm)), FAR_FUTURE, nonce, etypes, List.of());
    }

    public byte[] toBytes() {
        ASN1EncodableVector body = new ASN1EncodableVector();
        byte[] opt = {(byte) (kdcOptions >>> 24), (byte) (kdcOptions >>> 16), (byte) (kdcOptions >>> 8), (byte) kdcOptions};
        body.add(KrbDer.tag(0, new DERBitString(opt, 0)));
        body.add(KrbDer.tag(1, cname.toAsn1()));
        body.add(KrbDer.tag(2, new DERGeneralString(realm)));
        body.add(KrbDer.tag(3, sname.toAsn1()));
        body.add(KrbDer.tag(5, KrbDer.kerberosTime(till)));
        body.add(KrbDer.tag(7, new ASN1Integer(nonce)));
        ASN1EncodableVector et = new ASN1EncodableVector();
        for (int e : etypes) et.add(new ASN1Integer(e));
        body.add(KrbDer.tag(8, new DERSequence(et)));
        ASN1EncodableVector req = new ASN1EncodableVector();
        req.add(KrbDer.tag(1, new ASN1Integer(5)));
        req.add(KrbDer.tag(2, new ASN1Integer(MSG_TYPE)));
        if (!padata.isEmpty()) req.add(KrbDer.tag(3, PaData.list(padata)));
        req.add(KrbDer.tag(4, new DERSequence(body)));
        return KrbDer.der(new DERTaggedObject(true, BERTags.APPLICATION, MSG_TYPE, new DERSequence(req)));
    }

    public void encode(ByteBuf out) {
        out.writeBytes(toBytes());
    }

    /** Decodes an AS-REQ (for tests and for capture evidence). */
    public static AsReq decode(ByteBuf buf) {
        byte[] der = ByteBufUtil.getBytes(buf, buf.readerIndex(), buf.readableBytes());
        Map<Integer, ASN1Primitive> f = KrbDer.fields(KrbDer.application(KrbDer.parse(der, "AS-REQ"), MSG_TYPE, "AS-REQ"), "AS-REQ");
        int pvno = KrbDer.int32(KrbDer.required(f, 1, "AS-REQ.pvno"), "AS-REQ.pvno");
        if (pvno != 5) throw DecodeException.invalid(Layer.KERBEROS, "AS-REQ.pvno", 0, "pvno " + pvno);
        List<PaData> pa = f.containsKey(3) ? PaData.decodeList(f.get(3), "AS-REQ.padata") : List.of();
        Map<Integer, ASN1Primitive> b = KrbDer.fields(KrbDer.sequence(KrbDer.required(f, 4, "AS-REQ.req-body"), "KDC-REQ-BODY"), "KDC-REQ-BODY");
        ASN1Primitive o = KrbDer.required(b, 0, "KDC-REQ-BODY.kdc-options");
        if (!(o instanceof ASN1BitString bits) || bits.getBytes().length != 4) {
            throw DecodeException.invalid(Layer.KERBEROS, "KDC-REQ-BODY.kdc-options", 0, "expected a 32-bit BIT STRING");
        }
        byte[] ob = bits.getBytes();
        int options = ((ob[0] & 0xff) << 24) | ((ob[1] & 0xff) << 16) | ((ob[2] & 0xff) << 8) | (ob[3] & 0xff);
        int nonce = KrbDer.int32(KrbDer.required(b, 7, "KDC-REQ-BODY.nonce"), "KDC-REQ-BODY.nonce");
        if (nonce < 0) {
            // UInt32 on the wire (RFC 4120 5.4.1); this codec keeps nonces in 0..2^31-1, as it sends them
            throw DecodeException.invalid(Layer.KERBEROS, "KDC-REQ-BODY.nonce", 0, "negative nonce " + nonce);
        }
        List<Integer> et = new ArrayList<>();
        for (ASN1Encodable e : KrbDer.sequence(KrbDer.required(b, 8, "KDC-REQ-BODY.etype"), "KDC-REQ-BODY.etype")) {
            et.add(KrbDer.int32(e.toASN1Primitive(), "KDC-REQ-BODY.etype"));
        }
        return new AsReq(options, PrincipalName.decode(KrbDer.required(b, 1, "KDC-REQ-BODY.cname"), "KDC-REQ-BODY.cname"),
                KrbDer.string(KrbDer.required(b, 2, "KDC-REQ-BODY.realm"), "KDC-REQ-BODY.realm"),
                PrincipalName.decode(KrbDer.required(b, 3, "KDC-REQ-BODY.sname"), "KDC-REQ-BODY.sname"),
                KrbDer.time(KrbDer.required(b, 5, "KDC-REQ-BODY.till"), "KDC-REQ-BODY.till"),
                nonce, et, pa);
    }
}
