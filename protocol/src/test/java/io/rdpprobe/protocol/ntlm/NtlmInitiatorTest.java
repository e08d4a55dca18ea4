package io.rdpprobe.protocol.ntlm;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import jcifs.CIFSContext;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.ntlmssp.Type1Message;
import jcifs.ntlmssp.Type2Message;
import jcifs.ntlmssp.Type3Message;
import org.junit.jupiter.api.Test;

/** The initiator against a spec-faithful verifier, and cross-checks with jcifs-ng's messages. */
class NtlmInitiatorTest {
    static final long NOW = 1_763_600_000_000L;

    static ChallengeMessage serverChallenge(boolean withTimestamp) {
        AvPairs info = new AvPairs(List.of(AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, "CORP"),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "SRV01")));
        if (withTimestamp) {
            info = info.with(AvPair.timestampMillis(NOW));
        }
        return new ChallengeMessage(new NegotiateFlags(0xE28A8235), "CORP", NtlmVectorsTest.SERVER_CHALLENGE, info,
                new NtlmVersion(10, 0, 17763, 15));
    }

    @Test
    void producesAVerifiableNtlmv2AuthenticateWithMic() {
        NtlmInitiator init = new NtlmInitiator("alice", "CORP", NtlmCrypto.ntHash("S3cret!".toCharArray()), "PROBE",
                "TERMSRV/srv01", new NtlmVersion(10, 0, 19041, 15), NegotiateFlags.CREDSSP_CLIENT);
        byte[] neg = init.negotiate();
        byte[] ch = serverChallenge(true).toBytes();
        NtlmInitiator.Result r = init.authenticate(ch, NtlmVectorsTest.filled(8, 0xaa), NtlmVectorsTest.filled(16, 0x55), 0);
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(r.authenticateBytes()));
        assertThat(a.user()).isEqualTo("alice");
        assertThat(a.lmChallengeResponse()).isEqualTo(new byte[24]);
        Ntlmv2Response v2 = a.ntlmv2Response();
        assertThat(v2.avPairs().flags()).contains(AvPair.FLAG_MIC_PRESENT);
        assertThat(v2.avPairs().targetName()).contains("TERMSRV/srv01");
        assertThat(v2.timestamp()).isEqualTo(NOW * 10_000 + AvPair.FILETIME_EPOCH_OFFSET);
        // verify as a server would
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash("S3cret!".toCharArray()), a.user(), a.domain());
        assertThat(NtlmCrypto.ntProofStr(ntowf, NtlmVectorsTest.SERVER_CHALLENGE, v2.temp())).isEqualTo(v2.ntProofStr());
        byte[] kek = NtlmCrypto.sessionBaseKey(ntowf, v2.ntProofStr());
        byte[] exported = NtlmCrypto.rc4(kek, a.encryptedRandomSessionKey());
        assertThat(exported).isEqualTo(r.exportedSessionKey());
        byte[] zeroMic = a.withMic(new byte[16]).toBytes();
        assertThat(NtlmCrypto.mic(exported, neg, ch, zeroMic)).isEqualTo(a.mic());
        // sealing interoperates
        NtlmSealing server = new NtlmSealing(exported, a.flags(), false);
        assertThat(server.unwrap(r.sealing().wrap("pubkey".getBytes()))).isEqualTo("pubkey".getBytes());
    }

    @Test
    void withoutServerTimestampUsesFallbackTimeLmv2AndNoMic() {
        NtlmInitiator init = new NtlmInitiator("bob", "", NtlmCrypto.ntHash("pw".toCharArray()), "", null,
                new NtlmVersion(10, 0, 19041, 15), NegotiateFlags.CREDSSP_CLIENT);
        init.negotiate();
        NtlmInitiator.Result r = init.authenticate(serverChallenge(false).toBytes(), NtlmVectorsTest.filled(8, 1),
                NtlmVectorsTest.filled(16, 2), NOW);
        assertThat(r.serverTimestampUsed()).isFalse();
        assertThat(r.authenticate().mic()).isNull();
        assertThat(r.authenticate().ntlmv2Response().timestamp()).isEqualTo(NOW * 10_000 + AvPair.FILETIME_EPOCH_OFFSET);
        assertThat(Arrays.copyOfRange(r.authenticate().lmChallengeResponse(), 16, 24)).isEqualTo(NtlmVectorsTest.filled(8, 1));
    }

    @Test
    void jcifsNegotiateAndChallengeDecodeWithOurRecords() throws Exception {
        CIFSContext tc = new BaseContext(new PropertyConfiguration(new Properties()));
        Type1Message t1 = new Type1Message(tc);
        NegotiateMessage n = NegotiateMessage.decode(Unpooled.wrappedBuffer(t1.toByteArray()));
        assertThat(n.flags().value()).isEqualTo(t1.getFlags());
        // jcifs parses our CHALLENGE encoding
        Type2Message t2 = new Type2Message(serverChallenge(true).toBytes());
        assertThat(t2.getChallenge()).isEqualTo(NtlmVectorsTest.SERVER_CHALLENGE);
        assertThat(t2.getTarget()).isEqualTo("CORP");
        // and the spec CHALLENGE parses the same both ways
        Type2Message spec = new Type2Message(NtlmMessagesTest.CHALLENGE);
        ChallengeMessage ours = ChallengeMessage.decode(Unpooled.wrappedBuffer(NtlmMessagesTest.CHALLENGE));
        assertThat(ours.flags().value()).isEqualTo(spec.getFlags());
        assertThat(ours.targetInfo().toBytes()).isEqualTo(spec.getTargetInformation());
    }

    @Test
    void jcifsAuthenticateDecodesAndVerifiesWithOurCode() throws Exception {
        CIFSContext tc = new BaseContext(new PropertyConfiguration(new Properties()));
        Type1Message t1 = new Type1Message(tc);
        byte[] chBytes = serverChallenge(true).toBytes();
        Type2Message t2 = new Type2Message(chBytes);
        Type3Message t3 = new Type3Message(tc, t2, "TERMSRV/srv01", "S3cret!", "CORP", "alice", "PROBE",
                t2.getFlags(), true);
        t3.setupMIC(t1.toByteArray(), chBytes);
        byte[] t3Bytes = t3.toByteArray();
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(t3Bytes));
        assertThat(a.user()).isEqualTo("alice");
        assertThat(a.domain()).isEqualTo("CORP");
        assertThat(a.mic()).isNotNull();
        Ntlmv2Response v2 = a.ntlmv2Response();
        byte[] ntowf = NtlmCrypto.ntowfv2(NtlmCrypto.ntHash("S3cret!".toCharArray()), "alice", "CORP");
        assertThat(NtlmCrypto.ntProofStr(ntowf, NtlmVectorsTest.SERVER_CHALLENGE, v2.temp())).isEqualTo(v2.ntProofStr());
        byte[] exported = a.flags().has(NegotiateFlags.NEGOTIATE_KEY_EXCH)
                ? NtlmCrypto.rc4(NtlmCrypto.sessionBaseKey(ntowf, v2.ntProofStr()), a.encryptedRandomSessionKey())
                : NtlmCrypto.sessionBaseKey(ntowf, v2.ntProofStr());
        assertThat(exported).isEqualTo(t3.getMasterKey());
        byte[] zeroMic = t3Bytes.clone(); // jcifs lays out its payload differently: zero the MIC in place
        Arrays.fill(zeroMic, AuthenticateMessage.MIC_OFFSET, AuthenticateMessage.MIC_OFFSET + 16, (byte) 0);
        assertThat(NtlmCrypto.mic(exported, t1.toByteArray(), chBytes, zeroMic)).isEqualTo(a.mic());
    }
}
