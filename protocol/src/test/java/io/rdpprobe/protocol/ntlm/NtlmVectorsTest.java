package io.rdpprobe.protocol.ntlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MS-NLMP 4.2.4 (NTLMv2) test vectors: 4.2.4.1 calculations, 4.2.4.2 results, 4.2.4.3 messages, 4.2.4.4 sealing. */
class NtlmVectorsTest {
    static final byte[] SERVER_CHALLENGE = {0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xab, (byte) 0xcd, (byte) 0xef};
    static final byte[] CLIENT_CHALLENGE = filled(8, 0xaa);
    static final byte[] RANDOM_SESSION_KEY = filled(16, 0x55);
    static final NegotiateFlags FLAGS = new NegotiateFlags(0xe28a8233);

    static byte[] filled(int n, int v) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) v);
        return b;
    }

    static byte[] ntowf() {
        return NtlmCrypto.ntowfv2(NtlmCrypto.ntHash("Password".toCharArray()), "User", "Domain");
    }

    /** The AV pairs of 4.2.4: MsvAvNbDomainName "Domain", MsvAvNbComputerName "Server". */
    static AvPairs specPairs() {
        return new AvPairs(List.of(AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, "Domain"),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "Server")));
    }

    @Test
    void fixturesCarryProvenance() {
        for (String f : List.of("ms-nlmp-4.2.4.1.1-ntowfv2", "ms-nlmp-4.2.4.3-challenge", "ms-nlmp-4.2.4.4-sealed")) {
            assertThat(Fixtures.provenance("ntlm", f)).startsWith("# MS-NLMP 4.2.4.");
        }
    }

    @Test
    void ntowfv2_4_2_4_1_1() {
        assertThat(ntowf()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.1.1-ntowfv2"));
    }

    @Test
    void temp_4_2_4_1_3() {
        assertThat(NtlmCrypto.ntlmv2Temp(0, CLIENT_CHALLENGE, specPairs())).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.1.3-temp"));
    }

    @Test
    void ntlmv2Response_4_2_4_2_2_and_sessionBaseKey_4_2_4_1_2() {
        byte[] temp = Fixtures.ntlm("ms-nlmp-4.2.4.1.3-temp");
        byte[] proof = NtlmCrypto.ntProofStr(ntowf(), SERVER_CHALLENGE, temp);
        assertThat(proof).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.2-ntproofstr"));
        assertThat(NtlmCrypto.sessionBaseKey(ntowf(), proof)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.1.2-session-base-key"));
    }

    @Test
    void lmv2Response_4_2_4_2_1() {
        assertThat(NtlmCrypto.lmv2Response(ntowf(), SERVER_CHALLENGE, CLIENT_CHALLENGE))
                .isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.1-lmv2-response"));
    }

    @Test
    void encryptedSessionKey_4_2_4_2_3() {
        byte[] kek = Fixtures.ntlm("ms-nlmp-4.2.4.1.2-session-base-key");
        assertThat(NtlmCrypto.rc4(kek, RANDOM_SESSION_KEY)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.3-encrypted-session-key"));
        assertThat(NtlmCrypto.rc4(kek, Fixtures.ntlm("ms-nlmp-4.2.4.2.3-encrypted-session-key"))).isEqualTo(RANDOM_SESSION_KEY);
    }

    @Test
    void authenticateMessage_4_2_4_3_isConsistentWithTheCalculations() {
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(Fixtures.ntlm("ms-nlmp-4.2.4.3-authenticate")));
        assertThat(a.user()).isEqualTo("User");
        assertThat(a.domain()).isEqualTo("Domain");
        assertThat(a.workstation()).isEqualTo("COMPUTER");
        assertThat(a.flags().value()).isEqualTo(0xe2888235);
        assertThat(a.version()).isEqualTo(new NtlmVersion(5, 1, 2600, 15));
        assertThat(a.mic()).isNull();
        assertThat(a.lmChallengeResponse()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.1-lmv2-response"));
        assertThat(a.encryptedRandomSessionKey()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.3-encrypted-session-key"));
        Ntlmv2Response r = a.ntlmv2Response();
        assertThat(r.ntProofStr()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.2.2-ntproofstr"));
        assertThat(r.clientChallenge()).isEqualTo(CLIENT_CHALLENGE);
        assertThat(r.timestamp()).isZero();
        assertThat(r.avPairs()).isEqualTo(specPairs());
        assertThat(r.temp()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.1.3-temp"));
        // a server verifying it: recompute the proof from the password
        assertThat(NtlmCrypto.ntProofStr(ntowf(), SERVER_CHALLENGE, r.temp())).isEqualTo(r.ntProofStr());
    }

    @Test
    void sealAndSignKeys_4_2_4_4() {
        assertThat(NtlmSealing.sealKey(RANDOM_SESSION_KEY, FLAGS, true)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-seal-key"));
        assertThat(NtlmSealing.signKey(RANDOM_SESSION_KEY, true)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-sign-key"));
    }

    @Test
    void seal_4_2_4_4_clientToServer() {
        NtlmSealing client = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, true);
        NtlmSealing.Sealed s = client.seal(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        assertThat(s.data()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-sealed"));
        assertThat(s.signature()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-signature"));
        assertThat(client.outboundSequence()).isEqualTo(1);
    }

    @Test
    void unseal_4_2_4_4_onTheServerSide() {
        NtlmSealing server = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, false);
        byte[] plain = server.unseal(Fixtures.ntlm("ms-nlmp-4.2.4.4-sealed"), Fixtures.ntlm("ms-nlmp-4.2.4.4-signature"));
        assertThat(plain).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        assertThat(server.inboundSequence()).isEqualTo(1);
    }

    @Test
    void wrapUnwrapBothDirectionsWithPersistentRc4() {
        NtlmSealing client = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, true);
        NtlmSealing server = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, false);
        byte[] w0 = client.wrap(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        assertThat(Arrays.copyOf(w0, 16)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-signature"));
        assertThat(server.unwrap(w0)).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        for (int i = 0; i < 5; i++) {
            byte[] m = ("server message " + i).getBytes();
            byte[] sw = server.wrap(m);
            assertThat(client.unwrap(sw)).isEqualTo(m);
            byte[] c = ("client message " + i).getBytes();
            assertThat(server.unwrap(client.wrap(c))).isEqualTo(c);
        }
        // the second client message differs from the first even for the same plaintext (running RC4, seq 1+)
        byte[] again = client.wrap(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        assertThat(Arrays.copyOfRange(again, 16, again.length)).isNotEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-sealed"));
    }

    @Test
    void tamperedOrReplayedMessagesFailVerification() {
        NtlmSealing client = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, true);
        NtlmSealing server = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, false);
        byte[] w = client.wrap("hello".getBytes());
        w[w.length - 1] ^= 1;
        assertThatThrownBy(() -> server.unwrap(w)).isInstanceOf(DecodeException.class).hasMessageContaining("Checksum");
        assertThatThrownBy(() -> server.unwrap(new byte[3])).isInstanceOf(DecodeException.class);
        NtlmSealing wrongKey = new NtlmSealing(filled(16, 0x66), FLAGS, false);
        assertThatThrownBy(() -> wrongKey.unwrap(new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, true).wrap("x".getBytes())))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void signAndVerify() {
        NtlmSealing client = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, true);
        NtlmSealing server = new NtlmSealing(RANDOM_SESSION_KEY, FLAGS, false);
        byte[] msg = "mechTypes".getBytes();
        byte[] sig = client.sign(msg);
        assertThat(sig).hasSize(16);
        assertThat(server.verify(msg, sig)).isTrue();
        assertThat(server.verify(msg, client.sign("other".getBytes()).clone())).isFalse();
    }

    @Test
    void ntHash_4_2_2_1_2() {
        assertThat(NtlmCrypto.ntHash("Password".toCharArray())).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.2.1.2-ntowfv1"));
    }

    /** 4.2.3.4: extended session security without KEY_EXCH and with a 56-bit seal key (flags 0x820a8233). */
    @Test
    void seal_4_2_3_4_essWithout128OrKeyExch() {
        NegotiateFlags f = new NegotiateFlags(0x820a8233);
        byte[] key = Fixtures.ntlm("ms-nlmp-4.2.3.1.3-key-exchange-key");
        NtlmSealing.Sealed s = new NtlmSealing(key, f, true).seal(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
        assertThat(s.data()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.3.4-sealed"));
        assertThat(s.signature()).isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.3.4-signature"));
        assertThat(new NtlmSealing(key, f, false).unseal(s.data(), s.signature()))
                .isEqualTo(Fixtures.ntlm("ms-nlmp-4.2.4.4-plaintext"));
    }

    @Test
    void sealKeyLengthsFollow128And56() {
        byte[] k128 = NtlmSealing.sealKey(RANDOM_SESSION_KEY, new NegotiateFlags(NegotiateFlags.NEGOTIATE_128), true);
        byte[] k56 = NtlmSealing.sealKey(RANDOM_SESSION_KEY, new NegotiateFlags(NegotiateFlags.NEGOTIATE_56), true);
        byte[] k40 = NtlmSealing.sealKey(RANDOM_SESSION_KEY, new NegotiateFlags(0), true);
        assertThat(k128).isNotEqualTo(k56).isNotEqualTo(k40);
        assertThat(k56).isNotEqualTo(k40);
    }
}
