package io.rdpprobe.protocol.spnego;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.BERTags;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * SPNEGO NegTokenInit in a GSS InitialContextToken (RFC 4178 4.2.1, RFC 2743 3.1):
 *
 * <pre>
 * 60 L 06 06 2B 06 01 05 05 02              [APPLICATION 0] { thisMech = SPNEGO,
 *   A0 L 30 L                                  [0] NegTokenInit SEQUENCE {
 *     A0 L 30 L (06 L oid)*                      mechTypes [0] MechTypeList,
 *     [A1 L 03 ..]                               reqFlags  [1] OPTIONAL,
 *     [A2 L 04 L mechToken]                      mechToken [2] OCTET STRING OPTIONAL,
 *     [A3 L 04 L mechListMIC]                    mechListMIC [3] OCTET STRING OPTIONAL } }
 * </pre>
 * (A server's NegTokenInit2 puts negHints at [3]; that is skipped.)
 *
 * @param mechTypes OIDs in dotted form, preferred first
 */
public record NegTokenInit(List<String> mechTypes, byte[] mechToken, byte[] mechListMic) {
    public NegTokenInit {
        mechTypes = List.copyOf(mechTypes);
        mechToken = mechToken == null ? null : mechToken.clone();
        mechListMic = mechListMic == null ? null : mechListMic.clone();
    }

    @Override public byte[] mechToken() { return mechToken == null ? null : mechToken.clone(); }
    @Override public byte[] mechListMic() { return mechListMic == null ? null : mechListMic.clone(); }

    /** NegTokenInit offering only NTLMSSP with the NEGOTIATE message. */
    public static NegTokenInit ntlm(byte[] negotiate) {
        return new NegTokenInit(List.of(Spnego.OID_NTLMSSP), negotiate, null);
    }

    /** DER of the MechTypeList (what a mechListMIC signs). */
    public byte[] mechTypesDer() {
        try {
            return mechTypeList().getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private DERSequence mechTypeList() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        for (String oid : mechTypes) {
            v.add(new ASN1ObjectIdentifier(oid));
        }
        return new DERSequence(v);
    }

    public byte[] toBytes() {
        ASN1EncodableVector init = new ASN1EncodableVector();
        init.add(new DERTaggedObject(true, 0, mechTypeList()));
        if (mechToken != null) {
            init.add(new DERTaggedObject(true, 2, new DEROctetString(mechToken)));
        }
        if (mechListMic != null) {
            init.add(new DERTaggedObject(true, 3, new DEROctetString(mechListMic)));
        }
        ASN1EncodableVector outer = new ASN1EncodableVector();
        outer.add(new ASN1ObjectIdentifier(Spnego.OID_SPNEGO));
        outer.add(new DERTaggedObject(true, 0, new DERSequence(init)));
        try {
            return new DERTaggedObject(false, BERTags.APPLICATION, 0, new DERSequence(outer)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Decodes a whole InitialContextToken. */
    public static NegTokenInit decode(byte[] token) {
        ASN1Primitive p = Spnego.parse(token, "InitialContextToken");
        try {
            if (!(p instanceof ASN1TaggedObject app) || app.getTagClass() != BERTags.APPLICATION || app.getTagNo() != 0) {
                throw DecodeException.unexpected(Layer.SPNEGO, "InitialContextToken", 0, "expected [APPLICATION 0]");
            }
            ASN1Sequence outer = ASN1Sequence.getInstance(app.getBaseUniversal(false, BERTags.SEQUENCE));
            if (outer.size() < 2) {
                throw DecodeException.invalid(Layer.SPNEGO, "InitialContextToken", 0, "missing fields");
            }
            String mech = ASN1ObjectIdentifier.getInstance(outer.getObjectAt(0)).getId();
            if (!Spnego.OID_SPNEGO.equals(mech)) {
                throw DecodeException.unexpected(Layer.SPNEGO, "InitialContextToken.thisMech", 0, "not SPNEGO: " + mech);
            }
            ASN1TaggedObject choice = Spnego.contextTag(outer.getObjectAt(1), "NegotiationToken");
            if (choice.getTagNo() != 0) {
                throw DecodeException.unexpected(Layer.SPNEGO, "NegotiationToken", 0, "expected negTokenInit [0]");
            }
            ASN1Sequence init = ASN1Sequence.getInstance(choice.getExplicitBaseObject());
            List<String> mechs = new ArrayList<>();
            byte[] mechToken = null;
            byte[] mic = null;
            for (ASN1Encodable e : init) {
                ASN1TaggedObject t = Spnego.contextTag(e, "NegTokenInit element");
                ASN1Encodable base = t.getExplicitBaseObject();
                switch (t.getTagNo()) {
                    case 0 -> {
                        for (ASN1Encodable o : ASN1Sequence.getInstance(base)) {
                            mechs.add(ASN1ObjectIdentifier.getInstance(o).getId());
                        }
                    }
                    case 2 -> mechToken = ASN1OctetString.getInstance(base).getOctets();
                    case 3 -> {
                        if (base instanceof ASN1OctetString os) {
                            mic = os.getOctets();
                        }
                    }
                    case 4 -> mic = ASN1OctetString.getInstance(base).getOctets();
                    default -> { }
                }
            }
            return new NegTokenInit(mechs, mechToken, mic);
        } catch (DecodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DecodeException.invalid(Layer.SPNEGO, "NegTokenInit", 0, "malformed: " + e.getMessage());
        }
    }
}
