package io.rdpprobe.probe.credssp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.CredSspCauses;
import io.rdpprobe.probe.model.KerberosCauses;
import io.rdpprobe.probe.model.Status;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.PubKeyAuth;
import io.rdpprobe.protocol.credssp.TsCredentials;
import io.rdpprobe.protocol.credssp.TsPasswordCreds;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.AvPairs;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateFlags;
import io.rdpprobe.protocol.ntlm.NtlmCrypto;
import io.rdpprobe.protocol.ntlm.NtlmInitiator;
import io.rdpprobe.protocol.ntlm.NtlmSealing;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import io.rdpprobe.protocol.spnego.Spnego;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A sans-IO CredSSP client (MS-CSSP 3.1.5) over NTLMv2 (MS-NLMP), for the CREDSSP stage. It sees TSRequest
 * bytes and nothing else: no channels, no clocks (every call takes {@code nowMillis}), injected randomness.
 *
 * <pre>
 * driver                                   CredSspClient
 *   start(now) ─────────────────────────▶  TSRequest{version, NEGOTIATE, [nonce]}        → send
 *   onMessage(TSRequest{CHALLENGE}, now) ▶ no credentials: Step.done(NTLM info, skew)
 *                                          else TSRequest{AUTHENTICATE, pubKeyAuth, [nonce]} → send
 *   onMessage(TSRequest{pubKeyAuth}, now) ▶ verify (mismatch: PUBKEY_AUTH_MISMATCH)
 *                                          no delegation: Step.done(OK, credentials proven)
 *                                          delegation: TSRequest{authInfo} → send (+ done unless HYBRID_EX)
 *   onMessage(4-byte authz result, now) ─▶ HYBRID_EX only: OK or EARLY_USER_AUTH_DENIED
 *   onClosed(now) / onTlsAlert(d, now) ──▶ silent rejection (after AUTHENTICATE: LOGON_FAILURE, inferred)
 * any TSRequest.errorCode ──────────────▶ the NTSTATUS's cause (CredSspCauses.forStatus)
 * </pre>
 *
 * Framing: each server message is one whole TSRequest (use {@link #frameLength(ByteBuf)}), except the
 * 4-byte Early User Authorization Result in state {@link State#AWAIT_EARLY_USER_AUTH}. Each outbound byte[]
 * should go out as one TLS record. Not thread-safe; one instance per connection. The password is read
 * from {@link Credentials#password()} only to hash it and, with delegation, to build TSCredentials; it never
 * appears in evidence, summaries or exceptions.
 */
public final class CredSspClient {
    /** Where the exchange stands. */
    public enum State { INITIAL, AWAIT_KERBEROS_REPLY, AWAIT_CHALLENGE, AWAIT_PUBKEY_AUTH, AWAIT_EARLY_USER_AUTH, DONE }

    /** The evidence key naming the mechanism that authenticated: {@link #KERBEROS} or {@link #NTLM}. */
    public static final String MECHANISM = "mechanism";
    public static final String KERBEROS = "Kerberos";
    public static final String NTLM = "NTLM";

    private final Credentials credentials;
    private final byte[] serverPublicKey;
    private final String targetSpn;
    private final CredSspOptions options;
    private final RandomSource random;
    private final KerberosContext kerberos;
    private final boolean ntlmAllowed;
    private final String mechanismNote;
    private final Map<String, Object> evidence = new LinkedHashMap<>();
    private String mechanism = NTLM;

    private State state = State.INITIAL;
    private NtlmInitiator ntlm;
    private NegTokenInit spnegoInit;
    private byte[] nonce;
    private long tNegotiate;
    private long tChallenge;
    private long tAuthenticate;
    private long tCredentials;
    private int serverVersion = -1;
    private int negotiatedVersion;
    private NtlmInitiator.Result auth;
    private NtlmSealing micSealing;
    private boolean skewWarning;

    /**
     * @param credentials     null for the no-credentials info probe (stops after CHALLENGE)
     * @param serverPublicKey the TLS certificate's SubjectPublicKey (RSAPublicKey DER, i.e. the SPKI's
     *                        publicKeyData; see {@link PubKeyAuth#subjectPublicKey(byte[])}); may be null only
     *                        without credentials
     * @param targetSpn       {@code TERMSRV/host}
     * @param options         {@link CredSspOptions#defaults()}: version 6, raw NTLM, no delegation
     * @param random          {@link RandomSource#secure()} in production
     */
    public CredSspClient(Credentials credentials, byte[] serverPublicKey, String targetSpn, CredSspOptions options,
                         RandomSource random) {
        this(credentials, serverPublicKey, targetSpn, options, random, null, true, null);
    }

    /**
     * With Kerberos (MS-CSSP 3.1.5 over SPNEGO, RFC 4178): the first TSRequest carries a negTokenInit listing Kerberos
     * first (and NTLMSSP when {@code ntlmAllowed}) with the context's AP-REQ as the optimistic mechToken; the server's
     * AP-REP is verified and pubKeyAuth is wrapped with the Kerberos session key. When the server's negTokenResp
     * selects NTLMSSP, the exchange goes on with NTLM (negotiate) or fails (kerberos only).
     *
     * @param kerberos      null: NTLM only (raw, or SPNEGO per {@link CredSspOptions#spnego()})
     * @param ntlmAllowed   offer NTLMSSP after Kerberos (--auth negotiate); false for --auth kerberos
     * @param mechanismNote why NTLM is used without Kerberos (evidence {@code mechanismChoice}), or null
     */
    public CredSspClient(Credentials credentials, byte[] serverPublicKey, String targetSpn, CredSspOptions options,
                         RandomSource random, KerberosContext kerberos, boolean ntlmAllowed, String mechanismNote) {
        this.kerberos = credentials == null ? null : kerberos;
        this.ntlmAllowed = ntlmAllowed;
        this.mechanismNote = mechanismNote;
        if (credentials != null && serverPublicKey == null) {
            throw new IllegalArgumentException("the server public key is needed to authenticate");
        }
        this.credentials = credentials;
        this.serverPublicKey = serverPublicKey == null ? null : serverPublicKey.clone();
        this.targetSpn = targetSpn;
        this.options = options == null ? CredSspOptions.defaults() : options;
        this.random = random;
    }

    public State state() {
        return state;
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** A snapshot of the evidence gathered so far (ordered). */
    public Map<String, Object> evidence() {
        return new LinkedHashMap<>(evidence);
    }

    /**
     * Length of the next inbound frame at the reader index, or -1 when more bytes are needed: a DER
     * TSRequest, or 4 bytes for the Early User Authorization Result.
     *
     * @throws DecodeException for an impossible TSRequest header
     */
    public int frameLength(ByteBuf buf) {
        if (state == State.AWAIT_EARLY_USER_AUTH) {
            return buf.readableBytes() >= EarlyUserAuthResult.SIZE ? EarlyUserAuthResult.SIZE : -1;
        }
        return TsRequest.frameLength(buf);
    }

    /**
     * The first TSRequest: the SPNEGO negTokenInit with the Kerberos AP-REQ, or the NTLM NEGOTIATE (raw, or in a SPNEGO
     * NegTokenInit).
     */
    public byte[] start(long nowMillis) {
        if (state != State.INITIAL) {
            throw new IllegalStateException("already started");
        }
        if (options.version() >= 5) {
            nonce = randomBytes(PubKeyAuth.NONCE_SIZE);
        }
        evidence.put("clientCredSspVersion", options.version());
        if (credentials != null) {
            evidence.put("user", credentials.display());
        }
        tNegotiate = nowMillis;
        if (kerberos != null) {
            List<String> mechs = ntlmAllowed ? List.of(Spnego.OID_KERBEROS, Spnego.OID_NTLMSSP) : List.of(Spnego.OID_KERBEROS);
            spnegoInit = new NegTokenInit(mechs, kerberos.initialToken(), null);
            evidence.put("tokenFormat", "SPNEGO");
            evidence.put("mechanismsOffered", mechs.stream().map(Spnego::mechName).toList());
            evidence.put("kerberosSpn", kerberos.servicePrincipal());
            mechanism = KERBEROS;
            state = State.AWAIT_KERBEROS_REPLY;
            return new TsRequest(options.version(), List.of(spnegoInit.toBytes()), null, null, null, nonce).toBytes();
        }
        byte[] negotiate = newNtlm();
        byte[] token = negotiate;
        if (options.spnego()) {
            spnegoInit = NegTokenInit.ntlm(negotiate);
            token = spnegoInit.toBytes();
        }
        evidence.put("tokenFormat", options.spnego() ? "SPNEGO" : "raw NTLM");
        if (credentials != null) {
            evidence.put(MECHANISM, NTLM);
            if (mechanismNote != null) {
                evidence.put("mechanismChoice", mechanismNote);
            }
        }
        state = State.AWAIT_CHALLENGE;
        return new TsRequest(options.version(), List.of(token), null, null, null, nonce).toBytes();
    }

    /** A fresh NTLM initiator for the credentials; returns its NEGOTIATE message. */
    private byte[] newNtlm() {
        byte[] ntHash = null;
        if (credentials != null) {
            char[] pw = credentials.password().chars();
            try {
                ntHash = NtlmCrypto.ntHash(pw);
            } finally {
                Arrays.fill(pw, '\0');
            }
        }
        ntlm = new NtlmInitiator(credentials == null ? "" : credentials.user(),
                credentials == null ? "" : credentials.domain(), ntHash, options.workstation(), targetSpn,
                options.clientVersion(), NegotiateFlags.CREDSSP_CLIENT);
        if (ntHash != null) {
            Arrays.fill(ntHash, (byte) 0);
        }
        return ntlm.negotiate();
    }

    /**
     * Handles one server message (a whole TSRequest, or the 4-byte authz result in HYBRID_EX).
     *
     * @throws IllegalStateException before {@link #start} or after the outcome
     */
    public Step onMessage(byte[] message, long nowMillis) {
        return switch (state) {
            case AWAIT_KERBEROS_REPLY -> onKerberosReply(message, nowMillis);
            case AWAIT_CHALLENGE -> onChallenge(message, nowMillis);
            case AWAIT_PUBKEY_AUTH -> onServerPubKeyAuth(message, nowMillis);
            case AWAIT_EARLY_USER_AUTH -> Step.done(onEarlyUserAuth(message, nowMillis));
            case INITIAL, DONE -> throw new IllegalStateException("no message expected in state " + state);
        };
    }

    /**
     * The server closed the connection (TCP FIN/RST or TLS close) in the middle of the exchange.
     *
     * @return the outcome, or null when nothing was pending (before start or after the outcome)
     */
    public Outcome onClosed(long nowMillis) {
        return silentRejection("the server closed the connection", "TCP/TLS close", nowMillis);
    }

    /**
     * The server sent a fatal TLS alert (e.g. 80 internal_error, as Windows Server 2008 R2 does after a wrong
     * password).
     *
     * @return the outcome, or null when nothing was pending
     */
    public Outcome onTlsAlert(int alertDescription, long nowMillis) {
        String name = alertName(alertDescription) + "(" + alertDescription + ")";
        return silentRejection("the server sent TLS alert " + name, "TLS alert " + name, nowMillis);
    }

    // ------------------------------------------------------------------------------------------------------

    /** The server's answer to the negTokenInit with the AP-REQ: the AP-REP (Kerberos), or NTLMSSP selected (fallback). */
    private Step onKerberosReply(byte[] message, long now) {
        evidence.put("msApReqToReply", now - tNegotiate);
        TsRequest r = decodeOrNull(message, "reply to the Kerberos AP-REQ");
        if (r == null) {
            return Step.done(lastOutcome);
        }
        if (r.errorCode() != null) {
            return Step.done(statusFailure(r.status(), "the Kerberos AP-REQ", now - tNegotiate));
        }
        byte[] token = r.firstToken();
        if (token == null || Spnego.detect(token) != Spnego.TokenKind.NEG_TOKEN_RESP) {
            return Step.done(fail(CredSspCauses.CREDSSP_UNEXPECTED_MESSAGE, "the server answered the SPNEGO negTokenInit with "
                    + (token == null ? "no negoToken" : Spnego.detect(token) + " instead of a negTokenResp"), false));
        }
        NegTokenResp resp;
        try {
            resp = NegTokenResp.decode(token);
        } catch (DecodeException e) {
            return Step.done(malformed(e, "negTokenResp"));
        }
        evidence.put("serverTokenFormat", "SPNEGO " + Spnego.TokenKind.NEG_TOKEN_RESP);
        evidence.put("spnegoNegState", NegTokenResp.negStateName(resp.negState()));
        String mech = resp.supportedMech();
        if (mech != null) {
            evidence.put("spnegoSupportedMech", Spnego.mechName(mech));
        }
        String offered = ntlmAllowed ? "neither Kerberos nor NTLM" : "not Kerberos (NTLM not offered: --auth kerberos)";
        if (resp.negState() != null && resp.negState() == NegTokenResp.REJECT) {
            return Step.done(fail(CredSspCauses.KERBEROS_NOT_ACCEPTED, "the server rejected the SPNEGO negotiation "
                    + "(negState reject): it accepts " + offered, false));
        }
        if (Spnego.OID_NTLMSSP.equals(mech)) {
            if (!ntlmAllowed) {
                return Step.done(fail(CredSspCauses.KERBEROS_NOT_ACCEPTED, "the server selected NTLMSSP, which --auth "
                        + "kerberos did not offer: it does not accept Kerberos for " + kerberos.servicePrincipal(), false));
            }
            // RFC 4178 4.2.2: the optimistic Kerberos token is dropped; NTLM goes on inside negTokenResp
            kerberos.dispose();
            mechanism = NTLM;
            evidence.put(MECHANISM, NTLM);
            evidence.put("mechanismChoice", "Kerberos offered first; the server selected NTLMSSP in its negTokenResp: "
                    + "NTLM fallback, as mstsc's Negotiate");
            byte[] negotiate = newNtlm();
            tNegotiate = now;
            state = State.AWAIT_CHALLENGE;
            return Step.send(new TsRequest(options.version(), List.of(new NegTokenResp(null, null, negotiate, null).toBytes()),
                    null, null, null, nonce).toBytes());
        }
        if (mech != null && !Spnego.OID_KERBEROS.equals(mech) && !Spnego.OID_MS_KERBEROS.equals(mech)) {
            return Step.done(fail(CredSspCauses.KERBEROS_NOT_ACCEPTED, "the server selected " + Spnego.mechName(mech)
                    + ", which the probe did not offer", false));
        }
        byte[] apRep = resp.responseToken();
        if (apRep == null) {
            return Step.done(fail(CredSspCauses.KERBEROS_AP_REP_INVALID, "the server's negTokenResp ("
                    + NegTokenResp.negStateName(resp.negState()) + ") carries no AP-REP: mutual authentication missing", false));
        }
        try {
            kerberos.acceptReply(apRep);
        } catch (KerberosContext.Failure f) {
            evidence.put("kerberosError", f.getMessage());
            if (f.krbErrorCode() >= 0) {
                Cause c = KerberosCauses.forKrbError(f.krbErrorCode());
                evidence.put("krbError", io.rdpprobe.protocol.krb.KrbErrorCode.name(f.krbErrorCode()) + " (" + f.krbErrorCode() + ")");
                return Step.done(fail(c, "the server answered the AP-REQ with KRB-ERROR "
                        + io.rdpprobe.protocol.krb.KrbErrorCode.name(f.krbErrorCode()) + ": " + f.getMessage(), false));
            }
            return Step.done(fail(CredSspCauses.KERBEROS_AP_REP_INVALID, "the server's AP-REP does not verify: "
                    + f.getMessage(), false));
        }
        evidence.put(MECHANISM, KERBEROS);
        evidence.put("mechanismChoice", "Kerberos offered first; the server accepted the AP-REQ");
        evidence.put("mutualAuthentication", "AP-REP verified");
        evidence.putAll(kerberos.describe());
        boolean clientMic = resp.negState() != null && resp.negState() == NegTokenResp.REQUEST_MIC;
        byte[] mic = resp.mechListMic();
        if (mic != null) {
            try {
                kerberos.verifyMic(spnegoInit.mechTypesDer(), mic);
                evidence.put("spnegoMechListMic", "verified");
            } catch (KerberosContext.Failure f) {
                return Step.done(fail(CredSspCauses.CREDSSP_MALFORMED, "the server's SPNEGO mechListMIC does not verify "
                        + "with the Kerberos session key: " + f.getMessage(), false));
            }
            clientMic = true;
        }
        negotiatedVersion = Math.min(options.version(), serverVersion);
        evidence.put("negotiatedCredSspVersion", negotiatedVersion);
        byte[] pubKeyAuth;
        List<byte[]> tokens;
        try {
            pubKeyAuth = kerberos.wrap(PubKeyAuth.clientValue(negotiatedVersion, serverPublicKey, nonce));
            tokens = clientMic ? List.of(new NegTokenResp(null, null, null, kerberos.getMic(spnegoInit.mechTypesDer())).toBytes())
                    : List.of();
        } catch (KerberosContext.Failure f) {
            return Step.done(fail(CredSspCauses.KERBEROS_AP_REP_INVALID, "the Kerberos context cannot wrap pubKeyAuth: "
                    + f.getMessage(), false));
        }
        tAuthenticate = now;
        state = State.AWAIT_PUBKEY_AUTH;
        return Step.send(new TsRequest(options.version(), tokens, null, pubKeyAuth, null, nonce).toBytes());
    }

    private Step onChallenge(byte[] message, long now) {
        tChallenge = now;
        evidence.put("msNegotiateToChallenge", now - tNegotiate);
        TsRequest r = decodeOrNull(message, "CHALLENGE");
        if (r == null) {
            return Step.done(lastOutcome);
        }
        if (r.errorCode() != null) {
            return Step.done(statusFailure(r.status(), "NTLM NEGOTIATE", now - tNegotiate));
        }
        byte[] token = r.firstToken();
        if (token == null) {
            return Step.done(fail(CredSspCauses.CREDSSP_UNEXPECTED_MESSAGE,
                    "the server answered NEGOTIATE with a TSRequest without negoTokens or errorCode", false));
        }
        byte[] challengeBytes;
        try {
            Spnego.TokenKind kind = Spnego.detect(token);
            evidence.put("serverTokenFormat", kind == Spnego.TokenKind.RAW_NTLM ? "raw NTLM" : "SPNEGO " + kind);
            if (kind == Spnego.TokenKind.NEG_TOKEN_RESP) {
                NegTokenResp resp = NegTokenResp.decode(token);
                if (resp.negState() != null && resp.negState() == NegTokenResp.REJECT) {
                    evidence.put("spnegoNegState", NegTokenResp.negStateName(resp.negState()));
                    return Step.done(fail(CredSspCauses.NTLM_NOT_OFFERED,
                            "the server rejected NTLM in SPNEGO (negState reject)", false));
                }
                if (resp.supportedMech() != null && !Spnego.OID_NTLMSSP.equals(resp.supportedMech())) {
                    evidence.put("spnegoSupportedMech", Spnego.mechName(resp.supportedMech()));
                    return Step.done(fail(CredSspCauses.NTLM_NOT_OFFERED,
                            "the server chose " + Spnego.mechName(resp.supportedMech()) + " instead of NTLM", false));
                }
            }
            challengeBytes = Spnego.innerToken(token);
            if (challengeBytes == null) {
                return Step.done(fail(CredSspCauses.CREDSSP_UNEXPECTED_MESSAGE,
                        "the server's SPNEGO answer carries no NTLM CHALLENGE", false));
            }
            ChallengeMessage ch = ChallengeMessage.decode(Unpooled.wrappedBuffer(challengeBytes));
            recordChallenge(ch, now);
            if (credentials == null) {
                state = State.DONE;
                ntlm.destroy();
                return Step.done(infoOutcome(ch));
            }
            NegotiateFlags f = ch.flags();
            int needed = NegotiateFlags.NEGOTIATE_SIGN | NegotiateFlags.NEGOTIATE_SEAL
                    | NegotiateFlags.NEGOTIATE_EXTENDED_SESSIONSECURITY;
            if (!f.has(needed)) {
                return Step.done(fail(CredSspCauses.NTLM_SEALING_NOT_GRANTED, "the CHALLENGE flags "
                        + f.names() + " lack SIGN, SEAL or EXTENDED_SESSIONSECURITY", false));
            }
            auth = ntlm.authenticate(challengeBytes, randomBytes(8), randomBytes(16), now);
        } catch (DecodeException e) {
            return Step.done(malformed(e, "CHALLENGE"));
        }
        negotiatedVersion = Math.min(options.version(), serverVersion);
        evidence.put("negotiatedCredSspVersion", negotiatedVersion);
        evidence.put("ntlmNegotiatedFlags", auth.negotiatedFlags().names());
        evidence.put("ntlmMic", auth.serverTimestampUsed());
        byte[] pubKeyAuth = auth.sealing().wrap(PubKeyAuth.clientValue(negotiatedVersion, serverPublicKey, nonce));
        byte[] token2 = auth.authenticateBytes();
        if (spnegoInit != null) {
            micSealing = new NtlmSealing(auth.exportedSessionKey(), auth.negotiatedFlags(), true);
            byte[] mic = micSealing.sign(spnegoInit.mechTypesDer());
            token2 = new NegTokenResp(null, null, token2, mic).toBytes();
        }
        tAuthenticate = now;
        state = State.AWAIT_PUBKEY_AUTH;
        return Step.send(new TsRequest(options.version(), List.of(token2), null, pubKeyAuth, null, nonce).toBytes());
    }

    private Step onServerPubKeyAuth(byte[] message, long now) {
        long since = now - tAuthenticate;
        evidence.put("msAuthenticateToReply", since);
        TsRequest r = decodeOrNull(message, "server pubKeyAuth");
        if (r == null) {
            return Step.done(lastOutcome);
        }
        boolean krb = KERBEROS.equals(mechanism);
        if (r.errorCode() != null) {
            return Step.done(statusFailure(r.status(), krb ? "the Kerberos pubKeyAuth" : "NTLM AUTHENTICATE", since));
        }
        byte[] token = r.firstToken();
        if (token != null && Spnego.detect(token) == Spnego.TokenKind.NEG_TOKEN_RESP) {
            try {
                NegTokenResp resp = NegTokenResp.decode(token);
                evidence.put("spnegoNegState", NegTokenResp.negStateName(resp.negState()));
                if (resp.negState() != null && resp.negState() == NegTokenResp.REJECT) {
                    return Step.done(krb
                            ? fail(CredSspCauses.KERBEROS_NOT_ACCEPTED, "the server rejected the exchange after the AP-REP "
                                    + "(SPNEGO reject without errorCode)", false)
                            : fail(CredSspCauses.LOGON_FAILURE,
                            "the server rejected the NTLM AUTHENTICATE (SPNEGO reject without errorCode): most likely "
                                    + "a wrong password or unknown user (inferred)", true));
                }
                if (resp.mechListMic() != null && !krb && micSealing != null
                        && !micSealing.verify(spnegoInit.mechTypesDer(), resp.mechListMic())) {
                    return Step.done(fail(CredSspCauses.CREDSSP_MALFORMED,
                            "the server's SPNEGO mechListMIC does not verify", false));
                }
                if (resp.mechListMic() != null && krb) {
                    try {
                        kerberos.verifyMic(spnegoInit.mechTypesDer(), resp.mechListMic());
                    } catch (KerberosContext.Failure f) {
                        return Step.done(fail(CredSspCauses.CREDSSP_MALFORMED, "the server's SPNEGO mechListMIC does not "
                                + "verify with the Kerberos session key: " + f.getMessage(), false));
                    }
                }
            } catch (DecodeException e) {
                return Step.done(malformed(e, "server NegTokenResp"));
            }
        }
        byte[] pka = r.pubKeyAuth();
        if (pka == null) {
            return Step.done(fail(CredSspCauses.PUBKEY_AUTH_MISSING,
                    "the server answered AUTHENTICATE without pubKeyAuth", false));
        }
        byte[] plain;
        if (krb) {
            try {
                plain = kerberos.unwrap(pka);
            } catch (KerberosContext.Failure f) {
                evidence.put("pubKeyAuthCheck", "Wrap token does not verify: " + f.getMessage());
                return Step.done(fail(CredSspCauses.PUBKEY_AUTH_MISMATCH, "the server's pubKeyAuth does not verify with the "
                        + "Kerberos session key: possible man in the middle", false));
            }
        } else {
            try {
                plain = auth.sealing().unwrap(pka);
            } catch (DecodeException e) {
                evidence.put("pubKeyAuthCheck", "signature does not verify: " + e.detail());
                return Step.done(fail(CredSspCauses.PUBKEY_AUTH_MISMATCH, "the server's pubKeyAuth does not verify with the "
                        + "NTLM session keys: possible man in the middle", false));
            }
        }
        byte[] expected = PubKeyAuth.serverValue(negotiatedVersion, serverPublicKey, nonce);
        String method = PubKeyAuth.usesHash(negotiatedVersion) ? "SHA-256 binding hash (v5+)" : "public key echo +1 (v2-4)";
        if (!NtlmCrypto.equal(plain, expected)) {
            evidence.put("pubKeyAuthCheck", "mismatch (" + method + ")");
            return Step.done(fail(CredSspCauses.PUBKEY_AUTH_MISMATCH, "the server bound a different public key than the "
                    + "TLS certificate's (" + method + "): possible man in the middle", false));
        }
        evidence.put("pubKeyAuthCheck", "verified (" + method + ")");
        evidence.put("credentialsValid", true);
        if (!options.delegate()) {
            evidence.put("delegated", false);
            state = State.DONE;
            finish();
            return Step.done(okOutcome("CredSSP OK: credentials proven with " + proof() + ", server key verified; credentials "
                    + "not delegated"));
        }
        byte[] authInfo = sealCredentials();
        if (authInfo == null) {
            return Step.done(fail(CredSspCauses.KERBEROS_AP_REP_INVALID, "the Kerberos context cannot wrap the credentials",
                    false));
        }
        evidence.put("delegated", true);
        tCredentials = now;
        byte[] out = new TsRequest(options.version(), List.of(), authInfo, null, null, null).toBytes();
        if (options.hybridEx()) {
            state = State.AWAIT_EARLY_USER_AUTH;
            return Step.send(out);
        }
        state = State.DONE;
        finish();
        return new Step(out, okOutcome("CredSSP OK: credentials proven with " + proof() + ", server key verified, "
                + "credentials delegated"));
    }

    private String proof() {
        return KERBEROS.equals(mechanism) ? "Kerberos (AP-REP verified: mutual authentication)" : "NTLM";
    }

    private byte[] sealCredentials() {
        char[] pw = credentials.password().chars();
        TsPasswordCreds pc = new TsPasswordCreds(credentials.domain(), credentials.user(), pw);
        Arrays.fill(pw, '\0');
        byte[] pcDer = pc.toBytes();
        pc.clear();
        byte[] tsc = new TsCredentials(TsCredentials.PASSWORD, pcDer).toBytes();
        Arrays.fill(pcDer, (byte) 0);
        try {
            return KERBEROS.equals(mechanism) ? kerberos.wrap(tsc) : auth.sealing().wrap(tsc);
        } catch (KerberosContext.Failure f) {
            return null;
        } finally {
            Arrays.fill(tsc, (byte) 0);
        }
    }

    private Outcome onEarlyUserAuth(byte[] message, long now) {
        evidence.put("msCredentialsToAuthzResult", now - tCredentials);
        state = State.DONE;
        finish();
        if (message.length != EarlyUserAuthResult.SIZE) {
            evidence.put("earlyUserAuthorizationLength", message.length);
            return fail(CredSspCauses.CREDSSP_UNEXPECTED_MESSAGE,
                    "expected the 4-byte Early User Authorization Result, got " + message.length + " byte(s)", false);
        }
        EarlyUserAuthResult r = EarlyUserAuthResult.decode(Unpooled.wrappedBuffer(message));
        evidence.put("earlyUserAuthorization", r.name());
        if (r.isSuccess()) {
            return okOutcome("CredSSP OK: credentials proven with " + proof() + " and delegated; Early User Authorization: "
                    + "AUTHZ_SUCCESS");
        }
        return fail(CredSspCauses.EARLY_USER_AUTH_DENIED, "credentials valid, but Early User Authorization returned "
                + r.name() + ": the user may not log on to this server", false);
    }

    private Outcome silentRejection(String what, String how, long now) {
        CredSspReading.Phase phase;
        long since;
        switch (state) {
            case AWAIT_KERBEROS_REPLY -> { phase = CredSspReading.Phase.KERBEROS_AP_REQ; since = tNegotiate; }
            case AWAIT_CHALLENGE -> { phase = CredSspReading.Phase.NEGOTIATE; since = tNegotiate; }
            case AWAIT_PUBKEY_AUTH -> {
                phase = KERBEROS.equals(mechanism) ? CredSspReading.Phase.KERBEROS_PUBKEY_AUTH : CredSspReading.Phase.AUTHENTICATE;
                since = tAuthenticate;
            }
            case AWAIT_EARLY_USER_AUTH -> { phase = CredSspReading.Phase.CREDENTIALS; since = tCredentials; }
            default -> { return null; }
        }
        evidence.put("closedBy", how);
        evidence.put(phase.elapsedKey, now - since);
        CredSspReading.Reading r = CredSspReading.silence(phase, what, now - since);
        Outcome o = fail(r.cause(), r.summary(), r.inferred());
        state = State.DONE;
        finish();
        return o;
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private Outcome lastOutcome;

    private TsRequest decodeOrNull(byte[] message, String expecting) {
        try {
            TsRequest r = TsRequest.decode(message);
            if (serverVersion < 0) {
                serverVersion = r.version();
                evidence.put("serverCredSspVersion", serverVersion);
            } else if (r.version() != serverVersion) {
                evidence.put("serverCredSspVersionChanged", serverVersion + " -> " + r.version());
            }
            return r;
        } catch (DecodeException e) {
            lastOutcome = malformed(e, expecting);
            return null;
        }
    }

    private Outcome malformed(DecodeException e, String expecting) {
        evidence.put("decodeError", e.getMessage());
        return fail(CredSspCauses.CREDSSP_MALFORMED, "the server's " + expecting + " message is malformed ("
                + e.layer() + " " + e.field() + ")", false);
    }

    private Outcome statusFailure(NtStatus st, String after, long ms) {
        CredSspReading.Reading r = CredSspReading.errorCode(st, after, ms, evidence);
        return fail(r.cause(), r.summary(), r.inferred());
    }

    private Outcome fail(Cause cause, String summary, boolean inferred) {
        state = State.DONE;
        finish();
        Outcome o = new Outcome(Status.FAILED, cause, summary, evidence, inferred);
        lastOutcome = o;
        return o;
    }

    private Outcome okOutcome(String summary) {
        if (skewWarning) {
            return new Outcome(Status.WARNING, CredSspCauses.CLOCK_SKEW, summary + "; " + skewText(), evidence, false);
        }
        return new Outcome(Status.OK, null, summary, evidence, false);
    }

    private Outcome infoOutcome(ChallengeMessage ch) {
        StringBuilder s = new StringBuilder("NTLM info: ").append(NtlmChallengeInfo.describe(ch));
        s.append("; no credentials given, stopped after CHALLENGE");
        evidence.put("credentialsTested", false);
        return okOutcome(s.toString());
    }

    private String skewText() {
        Object skew = evidence.get("clockSkewMs");
        return "server clock differs by " + skew + " ms (> " + options.skewWarnMillis() / 1000
                + " s): Kerberos would fail, NTLM is unaffected";
    }

    private void recordChallenge(ChallengeMessage ch, long now) {
        if (NtlmChallengeInfo.record(ch, tNegotiate, now, options.skewWarnMillis(), evidence)) {
            skewWarning = true;
        }
    }

    private void finish() {
        state = State.DONE;
        if (ntlm != null) {
            ntlm.destroy();
        }
        if (kerberos != null) {
            kerberos.dispose();
        }
    }

    private byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String alertName(int d) {
        return switch (d) {
            case 0 -> "close_notify";
            case 10 -> "unexpected_message";
            case 20 -> "bad_record_mac";
            case 22 -> "record_overflow";
            case 40 -> "handshake_failure";
            case 42 -> "bad_certificate";
            case 46 -> "certificate_unknown";
            case 47 -> "illegal_parameter";
            case 48 -> "unknown_ca";
            case 49 -> "access_denied";
            case 50 -> "decode_error";
            case 51 -> "decrypt_error";
            case 70 -> "protocol_version";
            case 80 -> "internal_error";
            case 90 -> "user_canceled";
            default -> "alert";
        };
    }

    @Override
    public String toString() {
        return "CredSspClient[" + state + ", spn=" + targetSpn + ", user="
                + (credentials == null ? "-" : credentials.display()) + "]";
    }
}
