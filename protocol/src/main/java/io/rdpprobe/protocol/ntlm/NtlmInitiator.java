package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * A pure NTLMv2 client (MS-NLMP 3.1.5.1): builds NEGOTIATE, and from a CHALLENGE builds AUTHENTICATE with
 * MIC, the exported session key and the {@link NtlmSealing} for GSS_WrapEx. All randomness (client
 * challenge, random session key) and the fallback time are passed in, so the result is deterministic.
 *
 * <p>The password never reaches this class: callers pass its NT hash ({@link NtlmCrypto#ntHash(char[])}),
 * which {@link #destroy()} zeroes.
 */
public final class NtlmInitiator {
    private final String user;
    private final String domain;
    private final String workstation;
    private final String spn;
    private final NtlmVersion version;
    private final NegotiateFlags clientFlags;
    private final byte[] ntHash;
    private byte[] negotiateBytes;

    /**
     * @param ntHash      MD4 of the UTF-16LE password (copied)
     * @param spn         MsvAvTargetName value, e.g. {@code TERMSRV/host}; null or empty for none
     * @param version     VERSION sent in NEGOTIATE and AUTHENTICATE
     */
    public NtlmInitiator(String user, String domain, byte[] ntHash, String workstation, String spn, NtlmVersion version,
                         NegotiateFlags clientFlags) {
        this.user = user == null ? "" : user;
        this.domain = domain == null ? "" : domain;
        this.ntHash = ntHash == null ? null : ntHash.clone();
        this.workstation = workstation == null ? "" : workstation;
        this.spn = spn;
        this.version = version;
        this.clientFlags = clientFlags;
    }

    /** The NEGOTIATE_MESSAGE (remembered for the MIC). */
    public byte[] negotiate() {
        negotiateBytes = new NegotiateMessage(clientFlags, "", "", version).toBytes();
        return negotiateBytes.clone();
    }

    /** What {@link #authenticate} produced. */
    public record Result(byte[] authenticateBytes, AuthenticateMessage authenticate, NegotiateFlags negotiatedFlags,
                         byte[] exportedSessionKey, NtlmSealing sealing, boolean serverTimestampUsed) {
        @Override
        public String toString() {
            return "NtlmInitiator.Result[flags=" + negotiatedFlags + "]";
        }
    }

    /**
     * Computes the AUTHENTICATE_MESSAGE (MS-NLMP 3.1.5.1.2, NTLMv2 3.3.2).
     *
     * @param challengeBytes     the CHALLENGE_MESSAGE exactly as received
     * @param clientChallenge    8 random bytes
     * @param randomSessionKey   16 random bytes (used when KEY_EXCH is negotiated)
     * @param fallbackTimeMillis Unix time used when the CHALLENGE has no MsvAvTimestamp
     * @throws io.rdpprobe.protocol.codec.DecodeException when the CHALLENGE is malformed or too large
     */
    public Result authenticate(byte[] challengeBytes, byte[] clientChallenge, byte[] randomSessionKey,
                               long fallbackTimeMillis) {
        if (negotiateBytes == null) {
            throw new IllegalStateException("negotiate() first");
        }
        if (ntHash == null) {
            throw new IllegalStateException("no credentials");
        }
        ChallengeMessage ch = ChallengeMessage.decode(Unpooled.wrappedBuffer(challengeBytes));
        NegotiateFlags flags = new NegotiateFlags(clientFlags.value() & ch.flags().value());
        AvPairs info = ch.targetInfoOrEmpty();
        Long serverTs = info.timestampTicks().orElse(null);
        boolean withMic = serverTs != null;
        long ts = serverTs != null ? serverTs : fallbackTimeMillis * 10_000L + AvPair.FILETIME_EPOCH_OFFSET;
        AvPairs pairs = info;
        if (withMic) {
            int f = pairs.flags().orElse(0) | AvPair.FLAG_MIC_PRESENT;
            pairs = pairs.with(AvPair.ofU32(AvPair.MSV_AV_FLAGS, f));
        }
        pairs = pairs.with(new AvPair(AvPair.MSV_AV_CHANNEL_BINDINGS, new byte[16]));
        if (spn != null && !spn.isEmpty()) {
            pairs = pairs.with(AvPair.ofString(AvPair.MSV_AV_TARGET_NAME, spn));
        }
        byte[] ntowf = NtlmCrypto.ntowfv2(ntHash, user, domain);
        try {
            byte[] sc = ch.serverChallenge();
            byte[] temp = NtlmCrypto.ntlmv2Temp(ts, clientChallenge, pairs);
            if (temp.length + 16 > 0xFFFF) {
                throw io.rdpprobe.protocol.codec.DecodeException.badLength(io.rdpprobe.protocol.codec.Layer.NTLM,
                        "CHALLENGE.TargetInfo", 40, "target info of " + info.encodedLength()
                                + " bytes makes the NTLMv2 response exceed 65535 bytes");
            }
            byte[] proof = NtlmCrypto.ntProofStr(ntowf, sc, temp);
            byte[] nt = concat(proof, temp);
            byte[] lm = withMic ? new byte[24] : NtlmCrypto.lmv2Response(ntowf, sc, clientChallenge);
            byte[] kek = NtlmCrypto.sessionBaseKey(ntowf, proof);
            byte[] exported;
            byte[] encKey;
            if (flags.has(NegotiateFlags.NEGOTIATE_KEY_EXCH)) {
                exported = randomSessionKey.clone();
                encKey = NtlmCrypto.rc4(kek, exported);
            } else {
                exported = kek;
                encKey = new byte[0];
            }
            AuthenticateMessage auth = new AuthenticateMessage(flags, lm, nt, domain, user, workstation, encKey,
                    version != null ? version : new NtlmVersion(10, 0, 0, NtlmVersion.REVISION_W2K3),
                    withMic ? new byte[16] : null);
            byte[] bytes = auth.toBytes();
            if (withMic) {
                byte[] mic = NtlmCrypto.mic(exported, negotiateBytes, challengeBytes, bytes);
                auth = auth.withMic(mic);
                System.arraycopy(mic, 0, bytes, AuthenticateMessage.MIC_OFFSET, 16);
            }
            NtlmSealing sealing = flags.has(NegotiateFlags.NEGOTIATE_EXTENDED_SESSIONSECURITY)
                    ? new NtlmSealing(exported, flags, true) : null;
            return new Result(bytes, auth, flags, exported, sealing, withMic);
        } finally {
            Arrays.fill(ntowf, (byte) 0);
        }
    }

    /** Zeroes the NT hash. */
    public void destroy() {
        if (ntHash != null) {
            Arrays.fill(ntHash, (byte) 0);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "NtlmInitiator[user=" + user + ", domain=" + domain + ", spn=" + spn + "]";
    }
}
