package io.rdpprobe.probe.credssp;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.credssp.TsCredentials;
import io.rdpprobe.protocol.credssp.TsPasswordCreds;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.AuthenticateMessage;
import io.rdpprobe.protocol.ntlm.AvPair;
import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NegotiateMessage;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmSealing;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.ntlm.Ntlmv2Response;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import io.rdpprobe.protocol.spnego.Spnego;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A spec-faithful in-test CredSSP/NTLM acceptor (MS-CSSP 3.2.5, MS-NLMP 3.2.5): it really verifies the NTLMv2
 * response against its password table and the MIC, really unseals the client's pubKeyAuth and seals its own.
 * Test code only; public so that driver tests in other packages can use it as an embedded NLA server:
 * feed it each client TSRequest, deliver {@link Reply#bytes()} back, close on {@link Reply#close()}.
 */
public final class TestCredSspServer {
    public enum OnBadPassword { ERROR_CODE, CLOSE }

    /** A reply: bytes to deliver to the client, or a close. */
    public record Reply(byte[] bytes, boolean close) {
        public static Reply of(byte[] b) { return new Reply(b, false); }
        public static Reply closed() { return new Reply(null, true); }
    }

    // configuration
    public int version = 6;
    public Map<String, String> passwords = Map.of("alice", "S3cret!");
    public String domain = "CORP";
    public OnBadPassword onBadPassword = OnBadPassword.ERROR_CODE;
    public long serverTimeMillis;
    public byte[] publicKey;
    /** The key the server binds in its reply (a MITM proxy's server binds the real key, not the proxy's). */
    public byte[] replyPublicKey;
    public boolean tamperReplySignature;
    public NtStatus forcedStatus; // e.g. STATUS_ACCOUNT_LOCKED_OUT for a valid password
    public EarlyUserAuthResult earlyAuth; // null: not HYBRID_EX
    public NtlmVersion osVersion = new NtlmVersion(10, 0, 17763, 15);

    // observed
    public byte[] negotiateBytes;
    public byte[] challengeBytes;
    public byte[] clientNonce;
    public int clientVersion;
    public NtlmSealing sealing;
    public boolean clientUsedSpnego;
    public NegTokenInit clientInit;
    public TsPasswordCreds receivedCreds;
    public boolean clientPubKeyAuthValid;
    public boolean micValid;
    public int messages;

    public TestCredSspServer(byte[] publicKey, long serverTimeMillis) {
        this.publicKey = publicKey;
        this.replyPublicKey = publicKey;
        this.serverTimeMillis = serverTimeMillis;
    }

    public Reply onMessage(byte[] bytes) {
        messages++;
        TsRequest req = TsRequest.decode(bytes);
        if (req.clientNonce() != null) {
            clientNonce = req.clientNonce();
        }
        clientVersion = req.version();
        if (negotiateBytes == null) {
            return onNegotiate(req);
        }
        if (sealing == null) {
            return onAuthenticate(req);
        }
        return onAuthInfo(req);
    }

    private Reply onNegotiate(TsRequest req) {
        byte[] token = req.firstToken();
        clientUsedSpnego = Spnego.detect(token) == Spnego.TokenKind.NEG_TOKEN_INIT;
        if (clientUsedSpnego) {
            clientInit = NegTokenInit.decode(token);
        }
        negotiateBytes = Spnego.innerToken(token);
        NegotiateMessage neg = NegotiateMessage.decode(Unpooled.wrappedBuffer(negotiateBytes));
        int flags = neg.flags().value() & 0xE2888235 | NegotiateFlags.NEGOTIATE_TARGET_INFO | NegotiateFlags.TARGET_TYPE_DOMAIN;
        AvPairs info = new AvPairs(List.of(
                AvPair.ofString(AvPair.MSV_AV_NB_DOMAIN_NAME, domain),
                AvPair.ofString(AvPair.MSV_AV_NB_COMPUTER_NAME, "SRV01"),
                AvPair.ofString(AvPair.MSV_AV_DNS_DOMAIN_NAME, "corp.example"),
                AvPair.ofString(AvPair.MSV_AV_DNS_COMPUTER_NAME, "srv01.corp.example"),
                AvPair.ofString(AvPair.MSV_AV_DNS_TREE_NAME, "corp.example"),
                AvPair.timestampMillis(serverTimeMillis)));
        ChallengeMessage ch = new ChallengeMessage(new NegotiateFlags(flags), domain,
                new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, info, osVersion);
        challengeBytes = ch.toBytes();
        byte[] out = clientUsedSpnego
                ? new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, challengeBytes, null).toBytes()
                : challengeBytes;
        return Reply.of(TsRequest.ofToken(version, out).toBytes());
    }

    private Reply onAuthenticate(TsRequest req) {
        byte[] token = req.firstToken();
        byte[] mechListMic = null;
        byte[] authBytes = token;
        if (clientUsedSpnego) {
            NegTokenResp r = NegTokenResp.decode(token);
            authBytes = r.responseToken();
            mechListMic = r.mechListMic();
        }
        AuthenticateMessage a = AuthenticateMessage.decode(Unpooled.wrappedBuffer(authBytes));
        Ntlmv2Response v2 = a.ntlmv2Response();
        String pw = passwords.get(a.user());
        byte[] ntowf = pw == null ? null : NtlmCrypto.ntowfv2(NtlmCrypto.ntHash(pw.toCharArray()), a.user(), a.domain());
        ChallengeMessage ch = ChallengeMessage.decode(Unpooled.wrappedBuffer(challengeBytes));
        boolean ok = ntowf != null
                && NtlmCrypto.equal(NtlmCrypto.ntProofStr(ntowf, ch.serverChallenge(), v2.temp()), v2.ntProofStr());
        if (!ok) {
            return failure(NtStatus.STATUS_LOGON_FAILURE);
        }
        byte[] kek = NtlmCrypto.sessionBaseKey(ntowf, v2.ntProofStr());
        byte[] exported = a.flags().has(NegotiateFlags.NEGOTIATE_KEY_EXCH)
                ? NtlmCrypto.rc4(kek, a.encryptedRandomSessionKey()) : kek;
        if (a.mic() != null) {
            byte[] zero = authBytes.clone();
            Arrays.fill(zero, AuthenticateMessage.MIC_OFFSET, AuthenticateMessage.MIC_OFFSET + 16, (byte) 0);
            micValid = NtlmCrypto.equal(NtlmCrypto.mic(exported, negotiateBytes, challengeBytes, zero), a.mic());
            if (!micValid) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
        }
        if (forcedStatus != null) {
            return failure(forcedStatus);
        }
        byte[] serverMic = null;
        if (clientUsedSpnego) {
            NtlmSealing micSeal = new NtlmSealing(exported, a.flags(), false);
            if (mechListMic == null || !micSeal.verify(clientInit.mechTypesDer(), mechListMic)) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
            serverMic = micSeal.sign(clientInit.mechTypesDer());
        }
        sealing = new NtlmSealing(exported, a.flags(), false);
        int negotiated = Math.min(version, clientVersion);
        byte[] clientPka = sealing.unwrap(req.pubKeyAuth());
        clientPubKeyAuthValid = Arrays.equals(clientPka, PubKeyAuth.clientValue(negotiated, publicKey, clientNonce));
        if (!clientPubKeyAuthValid) {
            return failure(NtStatus.STATUS_LOGON_FAILURE);
        }
        byte[] reply = sealing.wrap(PubKeyAuth.serverValue(negotiated, replyPublicKey, clientNonce));
        if (tamperReplySignature) {
            reply[5] ^= 0x40;
        }
        List<byte[]> tokens = clientUsedSpnego
                ? List.of(new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, null, null, serverMic).toBytes()) : List.of();
        return Reply.of(new TsRequest(version, tokens, null, reply, null, null).toBytes());
    }

    private Reply failure(NtStatus status) {
        if (onBadPassword == OnBadPassword.CLOSE || version < 3) {
            return Reply.closed();
        }
        return Reply.of(new TsRequest(version, List.of(), null, null, status.value(), null).toBytes());
    }

    private Reply onAuthInfo(TsRequest req) {
        byte[] tsc = sealing.unwrap(req.authInfo());
        TsCredentials c = TsCredentials.decode(tsc);
        receivedCreds = TsPasswordCreds.decode(c.credentials());
        if (earlyAuth != null) {
            byte[] b = new byte[4];
            earlyAuth.encode(Unpooled.wrappedBuffer(b).writerIndex(0));
            return Reply.of(b);
        }
        return Reply.of(null); // nothing: MCS follows
    }
}
