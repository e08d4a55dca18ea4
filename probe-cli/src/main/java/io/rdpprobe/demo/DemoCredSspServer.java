package io.rdpprobe.demo;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.credssp.TsCredentials;
import io.rdpprobe.protocol.credssp.TsPasswordCreds;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.NtlmSealing;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import io.rdpprobe.protocol.spnego.Spnego;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A spec-faithful CredSSP/NTLM acceptor (MS-CSSP 3.2.5, MS-NLMP 3.2.5) for the demo target and tests: it really
 * verifies the NTLMv2 response against its password table and the MIC, really unseals the client's pubKeyAuth
 * and seals its own. Sans-IO: feed it each client TSRequest ({@code TsRequest.frameLength} delimits them),
 * deliver {@link Reply#bytes()} back, close on {@link Reply#close()}; {@link #isComplete()} says when the
 * client's TSCredentials arrived and the RDP connection sequence (MCS) follows.
 *
 * <p>With a {@link #kerberos} acceptor (a keytab), a SPNEGO negTokenInit that lists Kerberos first is answered as a
 * domain member answers it: the AP-REQ is accepted and the AP-REP returned (negTokenResp accept-completed), then the
 * client's pubKeyAuth is unwrapped with the Kerberos session key and checked, and the server's wrapped with it
 * (MS-CSSP 3.1.5). Without one, NTLMSSP is selected when the client listed it, so the client falls back to NTLM.
 *
 * <p>A wrong password gets what Windows sends to a CredSSP v3+ client: a TSRequest whose errorCode is
 * STATUS_LOGON_FAILURE (0xC000006D), MS-CSSP 2.2.1. The password table is a plain map: this is not an
 * authentication server anyone should rely on.
 */
public final class DemoCredSspServer {
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
    public String computerName = "SRV01";
    public String dnsDomainName = "corp.example";
    /** A Kerberos acceptor (keytab) for this connection: SPNEGO with Kerberos first is accepted; null: NTLM only. */
    public DemoKerberosAcceptor.Context kerberos;

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
    /** The client principal of an accepted AP-REQ (null: no Kerberos logon). */
    public String kerberosClient;
    /** The server selected NTLMSSP after a negTokenInit that listed Kerberos first. */
    public boolean ntlmSelectedAfterKerberos;
    private boolean kerberosPubKeyDone;

    private DemoNtlmAcceptor ntlm;

    public DemoCredSspServer(byte[] publicKey, long serverTimeMillis) {
        this.publicKey = publicKey;
        this.replyPublicKey = publicKey;
        this.serverTimeMillis = serverTimeMillis;
    }

    /** True once the client's TSCredentials arrived: the connection sequence continues with MCS. */
    public boolean isComplete() {
        return receivedCreds != null;
    }

    public Reply onMessage(byte[] bytes) {
        messages++;
        TsRequest req = TsRequest.decode(bytes);
        if (req.clientNonce() != null) {
            clientNonce = req.clientNonce();
        }
        clientVersion = req.version();
        if (kerberosClient != null) {
            return kerberosPubKeyDone ? onAuthInfo(req) : onKerberosPubKeyAuth(req);
        }
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
        Spnego.TokenKind kind = Spnego.detect(token);
        clientUsedSpnego = kind == Spnego.TokenKind.NEG_TOKEN_INIT || (kind == Spnego.TokenKind.NEG_TOKEN_RESP && clientInit != null);
        if (kind == Spnego.TokenKind.NEG_TOKEN_INIT) {
            clientInit = NegTokenInit.decode(token);
            List<String> mechs = clientInit.mechTypes();
            boolean krbFirst = !mechs.isEmpty()
                    && (Spnego.OID_KERBEROS.equals(mechs.get(0)) || Spnego.OID_MS_KERBEROS.equals(mechs.get(0)));
            if (krbFirst) {
                return onKerberosInit(clientInit);
            }
        }
        negotiateBytes = Spnego.innerToken(token);
        ntlm = new DemoNtlmAcceptor((user, dom) -> passwords.get(user), domain, computerName, dnsDomainName, osVersion,
                serverTimeMillis, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
        challengeBytes = ntlm.challenge(negotiateBytes);
        byte[] out = clientUsedSpnego
                ? new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, challengeBytes, null).toBytes()
                : challengeBytes;
        return Reply.of(TsRequest.ofToken(version, out).toBytes());
    }

    /**
     * RFC 4178 / MS-SPNG: a negTokenInit preferring Kerberos. With a keytab the optimistic AP-REQ is accepted and the
     * AP-REP goes back in a negTokenResp (accept-completed, supportedMech Kerberos); without one, or for an AP-REQ
     * the keytab cannot decrypt, NTLMSSP is selected when the client listed it (accept-incomplete, no token: the
     * client then sends the NTLM NEGOTIATE), else the negotiation is rejected.
     */
    private Reply onKerberosInit(NegTokenInit init) {
        byte[] apReq = init.mechToken();
        if (kerberos != null && apReq != null) {
            try {
                byte[] apRep = kerberos.accept(apReq);
                kerberosClient = kerberos.client();
                byte[] resp = new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, init.mechTypes().get(0), apRep, null).toBytes();
                return Reply.of(TsRequest.ofToken(version, resp).toBytes());
            } catch (org.ietf.jgss.GSSException e) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
        }
        if (init.mechTypes().contains(Spnego.OID_NTLMSSP)) {
            ntlmSelectedAfterKerberos = true;
            byte[] resp = new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, null, null).toBytes();
            return Reply.of(TsRequest.ofToken(version, resp).toBytes());
        }
        return Reply.of(TsRequest.ofToken(version, new NegTokenResp(NegTokenResp.REJECT, null, null, null).toBytes()).toBytes());
    }

    /** MS-CSSP 3.1.5 with Kerberos: the client's pubKeyAuth, unwrapped with the session key; the reply wrapped with it. */
    private Reply onKerberosPubKeyAuth(TsRequest req) {
        try {
            byte[] token = req.firstToken();
            if (token != null && Spnego.detect(token) == Spnego.TokenKind.NEG_TOKEN_RESP) {
                byte[] mic = NegTokenResp.decode(token).mechListMic();
                if (mic != null) {
                    kerberos.verifyMic(clientInit.mechTypesDer(), mic);
                }
            }
            if (req.pubKeyAuth() == null) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
            int negotiated = Math.min(version, clientVersion);
            byte[] clientPka = kerberos.unwrap(req.pubKeyAuth());
            clientPubKeyAuthValid = Arrays.equals(clientPka, PubKeyAuth.clientValue(negotiated, publicKey, clientNonce));
            if (!clientPubKeyAuthValid) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
            if (forcedStatus != null) {
                return failure(forcedStatus);
            }
            byte[] reply = kerberos.wrap(PubKeyAuth.serverValue(negotiated, replyPublicKey, clientNonce));
            if (tamperReplySignature) {
                reply[reply.length - 1] ^= 0x40;
            }
            kerberosPubKeyDone = true;
            return Reply.of(new TsRequest(version, List.of(), null, reply, null, null).toBytes());
        } catch (org.ietf.jgss.GSSException e) {
            return failure(NtStatus.STATUS_LOGON_FAILURE);
        }
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
        DemoNtlmAcceptor.Verification v = ntlm.verify(authBytes);
        if (v.result() == DemoNtlmAcceptor.Result.BAD_RESPONSE) {
            return failure(NtStatus.STATUS_LOGON_FAILURE);
        }
        if (v.micPresent()) {
            micValid = v.ok();
            if (!micValid) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
        }
        byte[] exported = v.exportedSessionKey();
        var flags = v.flags();
        if (forcedStatus != null) {
            return failure(forcedStatus);
        }
        byte[] serverMic = null;
        if (clientUsedSpnego) {
            NtlmSealing micSeal = new NtlmSealing(exported, flags, false);
            if (mechListMic == null || !micSeal.verify(clientInit.mechTypesDer(), mechListMic)) {
                return failure(NtStatus.STATUS_LOGON_FAILURE);
            }
            serverMic = micSeal.sign(clientInit.mechTypesDer());
        }
        sealing = new NtlmSealing(exported, flags, false);
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
        byte[] tsc;
        if (kerberosClient != null) {
            try {
                tsc = kerberos.unwrap(req.authInfo());
            } catch (org.ietf.jgss.GSSException e) {
                return Reply.closed();
            }
        } else {
            tsc = sealing.unwrap(req.authInfo());
        }
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
