package io.rdpprobe.protocol.spnego;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.io.IOException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Enumerated;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.DERTaggedObject;

/**
 * SPNEGO NegTokenResp (RFC 4178 4.2.2):
 *
 * <pre>
 * A1 L 30 L [A0 03 0A 01 negState] [A1 L 06 L supportedMech] [A2 L 04 L responseToken] [A3 L 04 L mechListMIC]
 * negState: 0 accept-completed, 1 accept-incomplete, 2 reject, 3 request-mic
 * </pre>
 *
 * @param negState      null when absent
 * @param supportedMech dotted OID or null
 */
public record NegTokenResp(Integer negState, String supportedMech, byte[] responseToken, byte[] mechListMic) {
    public static final int ACCEPT_COMPLETED = 0;
    public static final int ACCEPT_INCOMPLETE = 1;
    public static final int REJECT = 2;
    public static final int REQUEST_MIC = 3;

    public NegTokenResp {
        responseToken = responseToken == null ? null : responseToken.clone();
        mechListMic = mechListMic == null ? null : mechListMic.clone();
    }

    @Override public byte[] responseToken() { return responseToken == null ? null : responseToken.clone(); }
    @Override public byte[] mechListMic() { return mechListMic == null ? null : mechListMic.clone(); }

    public static String negStateName(Integer s) {
        if (s == null) {
            return "absent";
        }
        return switch (s) {
            case 0 -> "accept-completed";
            case 1 -> "accept-incomplete";
            case 2 -> "reject";
            case 3 -> "request-mic";
            default -> "unknown(" + s + ")";
        };
    }

    public byte[] toBytes() {
        ASN1EncodableVector v = new ASN1EncodableVector();
        if (negState != null) {
            v.add(new DERTaggedObject(true, 0, new ASN1Enumerated(negState)));
        }
        if (supportedMech != null) {
            v.add(new DERTaggedObject(true, 1, new ASN1ObjectIdentifier(supportedMech)));
        }
        if (responseToken != null) {
            v.add(new DERTaggedObject(true, 2, new DEROctetString(responseToken)));
        }
        if (mechListMic != null) {
            v.add(new DERTaggedObject(true, 3, new DEROctetString(mechListMic)));
        }
        try {
            return new DERTaggedObject(true, 1, new DERSequence(v)).getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static NegTokenResp decode(byte[] token) {
        ASN1Primitive p = Spnego.parse(token, "NegTokenResp");
        try {
            ASN1TaggedObject choice = Spnego.contextTag(p, "NegotiationToken");
            if (choice.getTagNo() != 1) {
                throw DecodeException.unexpected(Layer.SPNEGO, "NegotiationToken", 0, "expected negTokenResp [1]");
            }
            ASN1Sequence s = ASN1Sequence.getInstance(choice.getExplicitBaseObject());
            Integer state = null;
            String mech = null;
            byte[] resp = null;
            byte[] mic = null;
            for (ASN1Encodable e : s) {
                ASN1TaggedObject t = Spnego.contextTag(e, "NegTokenResp element");
                ASN1Encodable base = t.getExplicitBaseObject();
                switch (t.getTagNo()) {
                    case 0 -> state = ASN1Enumerated.getInstance(base).intValueExact();
                    case 1 -> mech = ASN1ObjectIdentifier.getInstance(base).getId();
                    case 2 -> resp = ASN1OctetString.getInstance(base).getOctets();
                    case 3 -> mic = ASN1OctetString.getInstance(base).getOctets();
                    default -> { }
                }
            }
            return new NegTokenResp(state, mech, resp, mic);
        } catch (DecodeException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DecodeException.invalid(Layer.SPNEGO, "NegTokenResp", 0, "malformed: " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "NegTokenResp[negState=" + negStateName(negState) + ", mech=" + (supportedMech == null ? "-" : Spnego.mechName(supportedMech))
                + ", responseToken=" + (responseToken == null ? "-" : responseToken.length + "B") + ", mechListMIC="
                + (mechListMic == null ? "-" : mechListMic.length + "B") + "]";
    }
}
