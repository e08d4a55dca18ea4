package io.rdpprobe.demo;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.ntlm.AuthenticateMessage;
import io.rdpprobe.protocol.ntlm.AvPair;
import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NegotiateMessage;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.ntlm.Ntlmv2Response;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * The NTLM acceptor of the demo endpoints (MS-NLMP 3.2.5): answers a NEGOTIATE with a CHALLENGE as Windows
 * does (target info AV pairs with the NetBIOS and DNS names and a timestamp, VERSION), then really verifies the
 * NTLMv2 response of the AUTHENTICATE against a password lookup, and its MIC. Used by the CredSSP acceptor
 * ({@link DemoCredSspServer}) and by the RD Gateway's HTTP authentication ({@code demo.gateway}); one
 * exchange per instance.
 */
public final class DemoNtlmAcceptor {
    /** What an AUTHENTICATE proved. */
    public enum Result { OK, BAD_RESPONSE, BAD_MIC }

    /** The outcome of {@link #verify}: the user and domain as the client sent them, and the session key when OK. */
    public record Verification(Result result, String user, String domain, byte[] exportedSessionKey,
                               NegotiateFlags flags, boolean micPresent) {
        public boolean ok() {
            return result == Result.OK;
        }

        /** No key material in logs. */
        @Override
        public String toString() {
            return "Verification[" + result + ", " + domain + "\\" + user + "]";
        }
    }

    private final BiFunction<String, String, String> passwords;
    private final String domain;
    private final String computerName;
    private final String dnsDomainName;
    private final NtlmVersion osVersion;
    private final long serverTimeMillis;
    private final byte[] serverChallenge;
    private byte[] negotiateBytes;
    private byte[] challengeBytes;

    /**
     * @param passwords       (user, domain as the client sent them) to the password, or null for an unknown user
     * @param serverChallenge the 8-byte server challenge
     */
    public DemoNtlmAcceptor(BiFunction<String, String, String> passwords, String domain, String computerName,
                            String dnsDomainName, NtlmVersion osVersion, long serverTimeMillis, byte[] serverChallenge) {
        if (serverChallenge.length != 8) {
            throw new IllegalArgumentException("the NTLM server challenge has 8 bytes");
        }
        this.passwords = passwords;
        this.domain = domain;
        this.computerName = computerName;
        this.dnsDomainName = dnsDomainName;
        this.osVersion = osVersion;
        this.serverTimeMillis = serverTimeMillis;
        this.serverChallenge = serverChallenge.clone();
    }

    /** The CHALLENGE_MESSAGE for a client's NEGOTIATE_MESSAGE (raw NTLMSSP bytes, no SPNEGO). */
    public byte[] challenge(byte[] negotiate) {
        negotiateBytes = negotiate.clone();
        NegotiateMessage neg = NegotiateMessage.decode(Unpooled.wrappedBuffer(negotiateBytes));
        int flags = neg.flags().value() & 0xE2888235 | NegotiateFlags.NEGOTIATE_TARGET_INFO | NegotiateFlags.TARGET_TYPE_DOMAIN;
        AvPairs info = new AvPairs(List.of(
                AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, domain),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, computerName),
                AvPair.ofString(AvPair.MSV_AV_DNS_DOMAIN_NAME, dnsDomainName),
                AvPair.ofString(AvPair.MSV_AV_DNS_COMPUTER_NAME, computerName.toLowerCase(Locale.ROOT) + "." + dnsDomainName),
                AvPair.ofString(AvPair.MSV_AV_DNS_TREE_NAME, dnsDomainName),
                AvPair.timestampMillis(serverTimeMillis)));
        ChallengeMessage ch = new ChallengeMessage(new NegotiateFlags(flags), domain, serverChallenge, info, osVersion);
        challengeBytes = ch.toBytes();
        return challengeBytes.clone();
    }

    /** Verifies an AUTHENTICATE_MESSAGE (raw NTLMSSP bytes) against the CHALLENGE sent before. */
    public Verification verify(byte[] authBytes) {
        if (challengeBytes == null) {
            throw new IllegalStateException("AUTHENTICATE before CHALLENGE");
        }
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(authBytes));
        Ntlmv2Response v2 = a.ntlmv2Response();
        String pw = v2 == null ? null : passwords.apply(a.user(), a.domain());
        byte[] ntowf = pw == null ? null : NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(pw.toCharArray()), a.user(), a.domain());
        boolean ok = ntowf != null
                && NtlmCrypto.equal(NtlmCrypto.ntProofStr(ntowf, serverChallenge, v2.temp()), v2.ntProofStr());
        if (!ok) {
            return new Verification(Result.BAD_RESPONSE, a.user(), a.domain(), null, a.flags(), a.mic() != null);
        }
        byte[] kek = NtlmCrypto.sessionBaseKey(ntowf, v2.ntProofStr());
        byte[] exported = a.flags().has(NegotiateFlags.NEGOTIATE_KEY_EXCH)
                ? NtlmCrypto.rc4(kek, a.encryptedRandomSessionKey()) : kek;
        if (a.mic() != null) {
            byte[] zero = authBytes.clone();
            Arrays.fill(zero, AuthenticateMessage.MIC_OFFSET, AuthenticateMessage.MIC_OFFSET + 16, (byte) 0);
            if (!NtlmCrypto.equal(NtlmCrypto.mic(exported, negotiateBytes, challengeBytes, zero), a.mic())) {
                return new Verification(Result.BAD_MIC, a.user(), a.domain(), null, a.flags(), true);
            }
        }
        return new Verification(Result.OK, a.user(), a.domain(), exported, a.flags(), a.mic() != null);
    }

    public byte[] negotiateBytes() {
        return negotiateBytes == null ? null : negotiateBytes.clone();
    }

    public byte[] challengeBytes() {
        return challengeBytes == null ? null : challengeBytes.clone();
    }
}
