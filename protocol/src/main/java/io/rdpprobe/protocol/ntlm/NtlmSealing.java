package io.rdpprobe.protocol.ntlm;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.RC4Engine;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * NTLM message integrity and confidentiality with extended session security (MS-NLMP 3.4.3 SEAL,
 * 3.4.4.2 MAC, 3.4.5.2 SIGNKEY, 3.4.5.3 SEALKEY, 3.4.6 GSS_WrapEx), connection-oriented: one RC4 state per
 * direction, initialised once and kept running, and one sequence number per direction starting at 0.
 *
 * <pre>
 * NTLMSSP_MESSAGE_SIGNATURE (2.2.2.9.1): | Version = 01 00 00 00 | Checksum (8) | SeqNum u32 LE |
 * Checksum = HMAC_MD5(SignKey, SeqNum ‖ Message)[0..7], then RC4(SealHandle, Checksum) when KEY_EXCH
 * </pre>
 *
 * Not thread-safe. Only extended session security (NTLMv2 style) is supported.
 */
public final class NtlmSealing {
    public static final int SIGNATURE_SIZE = 16;
    private static final String C2S_SIGN = "session key to client-to-server signing key magic constant\0";
    private static final String S2C_SIGN = "session key to server-to-client signing key magic constant\0";
    private static final String C2S_SEAL = "session key to client-to-server sealing key magic constant\0";
    private static final String S2C_SEAL = "session key to server-to-client sealing key magic constant\0";

    private final boolean keyExch;
    private final byte[] outSignKey;
    private final byte[] inSignKey;
    private final byte[] outSealKey;
    private final byte[] inSealKey;
    private final RC4Engine outRc4 = new RC4Engine();
    private final RC4Engine inRc4 = new RC4Engine();
    private int outSeq;
    private int inSeq;

    /**
     * @param exportedSessionKey 16 bytes (MS-NLMP 3.1.5.1.2)
     * @param flags              the negotiated flags; must include NEGOTIATE_EXTENDED_SESSIONSECURITY
     * @param initiator          true for the client side (sends with client-to-server keys)
     */
    public NtlmSealing(byte[] exportedSessionKey, NegotiateFlags flags, boolean initiator) {
        if (!flags.has(NegotiateFlags.NEGOTIATE_EXTENDED_SESSIONSECURITY)) {
            throw new IllegalArgumentException("only extended session security is supported");
        }
        this.keyExch = flags.has(NegotiateFlags.NEGOTIATE_KEY_EXCH);
        byte[] c2sSign = signKey(exportedSessionKey, true);
        byte[] s2cSign = signKey(exportedSessionKey, false);
        byte[] c2sSeal = sealKey(exportedSessionKey, flags, true);
        byte[] s2cSeal = sealKey(exportedSessionKey, flags, false);
        outSignKey = initiator ? c2sSign : s2cSign;
        inSignKey = initiator ? s2cSign : c2sSign;
        outSealKey = initiator ? c2sSeal : s2cSeal;
        inSealKey = initiator ? s2cSeal : c2sSeal;
        outRc4.init(true, new KeyParameter(outSealKey));
        inRc4.init(false, new KeyParameter(inSealKey));
    }

    /** SIGNKEY (3.4.5.2) with extended session security. */
    public static byte[] signKey(byte[] exportedSessionKey, boolean clientToServer) {
        return NtlmCrypto.md5(exportedSessionKey, (clientToServer ? C2S_SIGN : S2C_SIGN).getBytes(StandardCharsets.US_ASCII));
    }

    /** SEALKEY (3.4.5.3) with extended session security: 16, 7 or 5 key bytes per NEGOTIATE_128/56. */
    public static byte[] sealKey(byte[] exportedSessionKey, NegotiateFlags flags, boolean clientToServer) {
        byte[] k;
        if (flags.has(NegotiateFlags.NEGOTIATE_128)) {
            k = exportedSessionKey;
        } else if (flags.has(NegotiateFlags.NEGOTIATE_56)) {
            k = Arrays.copyOf(exportedSessionKey, 7);
        } else {
            k = Arrays.copyOf(exportedSessionKey, 5);
        }
        return NtlmCrypto.md5(k, (clientToServer ? C2S_SEAL : S2C_SEAL).getBytes(StandardCharsets.US_ASCII));
    }

    /** A sealed message: the RC4 output and its 16-byte signature. */
    public record Sealed(byte[] data, byte[] signature) {
        /** Signature ‖ data, the layout CredSSP uses for pubKeyAuth and authInfo (MS-CSSP 2.2.1). */
        public byte[] signatureThenData() {
            byte[] out = new byte[signature.length + data.length];
            System.arraycopy(signature, 0, out, 0, signature.length);
            System.arraycopy(data, 0, out, signature.length, data.length);
            return out;
        }
    }

    /** SEAL (3.4.3): encrypts with the outbound RC4 state, then signs the plaintext; advances the sequence. */
    public Sealed seal(byte[] message) {
        byte[] data = new byte[message.length];
        outRc4.processBytes(message, 0, message.length, data, 0);
        byte[] sig = mac(outSignKey, outRc4, outSeq, message);
        outSeq++;
        return new Sealed(data, sig);
    }

    /** GSS_GetMIC (3.4.4.2): the signature alone; advances the outbound sequence. */
    public byte[] sign(byte[] message) {
        byte[] sig = mac(outSignKey, outRc4, outSeq, message);
        outSeq++;
        return sig;
    }

    /** {@link #seal} laid out as signature ‖ sealed data (GSS_WrapEx output as CredSSP carries it). */
    public byte[] wrap(byte[] message) {
        return seal(message).signatureThenData();
    }

    /**
     * Decrypts with the inbound RC4 state and verifies the signature and sequence number.
     *
     * @throws DecodeException (NTLM, INVALID_FIELD) when the checksum or sequence number does not match
     */
    public byte[] unseal(byte[] data, byte[] signature) {
        checkSigShape(signature);
        byte[] plain = new byte[data.length];
        inRc4.processBytes(data, 0, data.length, plain, 0);
        verifyInbound(plain, signature);
        return plain;
    }

    /** Verifies a GSS_GetMIC signature on an inbound message. */
    public boolean verify(byte[] message, byte[] signature) {
        checkSigShape(signature);
        try {
            verifyInbound(message, signature);
            return true;
        } catch (DecodeException e) {
            return false;
        }
    }

    /**
     * Splits signature ‖ sealed data and {@link #unseal}s it.
     *
     * @throws DecodeException when shorter than a signature or the signature does not verify
     */
    public byte[] unwrap(byte[] wrapped) {
        if (wrapped.length < SIGNATURE_SIZE) {
            throw DecodeException.badLength(Layer.NTLM, "NTLMSSP_MESSAGE_SIGNATURE", 0,
                    "wrapped token of " + wrapped.length + " byte(s) is shorter than the 16-byte signature");
        }
        return unseal(Arrays.copyOfRange(wrapped, SIGNATURE_SIZE, wrapped.length), Arrays.copyOf(wrapped, SIGNATURE_SIZE));
    }

    private void verifyInbound(byte[] plain, byte[] signature) {
        byte[] checksum = Arrays.copyOfRange(signature, 4, 12);
        if (keyExch) {
            byte[] c = new byte[8];
            inRc4.processBytes(checksum, 0, 8, c, 0);
            checksum = c;
        }
        int seq = ByteBuffer.wrap(signature, 12, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        byte[] expected = Arrays.copyOf(NtlmCrypto.hmacMd5(inSignKey, le32(inSeq), plain), 8);
        int wantSeq = inSeq;
        inSeq++;
        if (seq != wantSeq) {
            throw DecodeException.invalid(Layer.NTLM, "NTLMSSP_MESSAGE_SIGNATURE.SeqNum", 12,
                    "sequence number " + Integer.toUnsignedString(seq) + ", expected " + wantSeq);
        }
        if (!NtlmCrypto.equal(expected, checksum)) {
            throw DecodeException.invalid(Layer.NTLM, "NTLMSSP_MESSAGE_SIGNATURE.Checksum", 4,
                    "the signature does not verify (wrong key, or the data was altered)");
        }
    }

    private static void checkSigShape(byte[] signature) {
        if (signature.length != SIGNATURE_SIZE) {
            throw DecodeException.badLength(Layer.NTLM, "NTLMSSP_MESSAGE_SIGNATURE", 0,
                    "signature must be 16 bytes, is " + signature.length);
        }
        int version = ByteBuffer.wrap(signature, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (version != 1) {
            throw DecodeException.invalid(Layer.NTLM, "NTLMSSP_MESSAGE_SIGNATURE.Version", 0,
                    "version must be 1, is " + Integer.toUnsignedString(version));
        }
    }

    private byte[] mac(byte[] signKey, RC4Engine rc4, int seq, byte[] message) {
        byte[] checksum = Arrays.copyOf(NtlmCrypto.hmacMd5(signKey, le32(seq), message), 8);
        if (keyExch) {
            byte[] c = new byte[8];
            rc4.processBytes(checksum, 0, 8, c, 0);
            checksum = c;
        }
        ByteBuffer b = ByteBuffer.allocate(SIGNATURE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(1).put(checksum).putInt(seq);
        return b.array();
    }

    private static byte[] le32(int v) {
        return new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)};
    }

    /** Next outbound sequence number. */
    public int outboundSequence() {
        return outSeq;
    }

    /** Next expected inbound sequence number. */
    public int inboundSequence() {
        return inSeq;
    }

    @Override
    public String toString() {
        return "NtlmSealing[keyExch=" + keyExch + ", outSeq=" + outSeq + ", inSeq=" + inSeq + "]";
    }
}
