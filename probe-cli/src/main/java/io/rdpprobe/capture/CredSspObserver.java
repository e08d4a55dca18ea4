package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.capture.RdpConnection.Side;
import io.rdpprobe.probe.credssp.CredSspReading;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.credssp.EarlyUserAuthResult;
import io.rdpprobe.protocol.credssp.NtStatus;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.ntlm.AuthenticateMessage;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.ntlm.NegotiateMessage;
import io.rdpprobe.protocol.ntlm.NtlmMessages;
import io.rdpprobe.protocol.spnego.Spnego;
import java.util.ArrayList;
import java.util.List;

/**
 * The CredSSP messages of one connection as the decrypted TLS stream shows them, one whole TSRequest at a time per
 * direction, decoded with the protocol module's records (TsRequest, the NTLM messages, SPNEGO) and kept as those
 * records. It decides nothing: {@link ReportBuilder} turns the facts into the CREDSSP result with the live probe's
 * readings ({@link CredSspReading#errorCode}, {@link CredSspReading#silence},
 * {@link io.rdpprobe.probe.credssp.NtlmChallengeInfo}). pubKeyAuth and authInfo stay sealed (the NTLM or Kerberos
 * session key is not in the capture): only their presence is kept. The AUTHENTICATE's response hashes are never
 * reported.
 */
final class CredSspObserver {
    /** One TSRequest as it came: who, when, what it carries. */
    record Message(long ts, Side from, int version, String ntlm, boolean pubKeyAuth, boolean authInfo, Integer errorCode) {}

    static final int MAX_MESSAGES = 16;
    final List<Message> messages = new ArrayList<>();
    int clientVersion = -1;
    int serverVersion = -1;
    /** "raw NTLM", "SPNEGO NEG_TOKEN_INIT", ...: the client's first token format. */
    String tokenFormat;
    NegotiateMessage negotiate;
    long tNegotiate = -1;
    ChallengeMessage challenge;
    long tChallenge = -1;
    AuthenticateMessage authenticate;
    long tAuthenticate = -1;
    /** The client's sealed pubKeyAuth (with AUTHENTICATE, or Kerberos'). */
    boolean clientPubKeyAuth;
    /** The server's pubKeyAuth after the AUTHENTICATE: the server accepted the credentials. */
    long tServerPubKeyAuth = -1;
    long tAuthInfo = -1;
    NtStatus error;
    long tError = -1;
    /** The client's message the errorCode answered. */
    CredSspReading.Phase errorAfter;
    EarlyUserAuthResult earlyUserAuth;
    long tEarlyUserAuth = -1;
    String malformed;
    Side malformedFrom;
    /** The client's last message so far, and when; and whether the server sent a TSRequest after it. */
    CredSspReading.Phase lastClientPhase;
    long tLastClient = -1;
    boolean serverAnsweredLast;
    private final boolean hybridEx;

    CredSspObserver(boolean hybridEx) {
        this.hybridEx = hybridEx;
    }

    boolean seen() {
        return !messages.isEmpty() || malformed != null;
    }

    /** HYBRID_EX: the client sent its credentials and the server's 4-byte result is next. */
    boolean earlyUserAuthAwaited() {
        return hybridEx && tAuthInfo >= 0 && earlyUserAuth == null;
    }

    void earlyUserAuth(EarlyUserAuthResult r, long ts) {
        earlyUserAuth = r;
        tEarlyUserAuth = ts;
        serverAnsweredLast = true;
    }

    /** One whole TSRequest from {@code side}. */
    void message(Side side, ByteBuf der, long ts) {
        TsRequest r;
        try {
            r = TsRequest.decode(der.duplicate());
        } catch (DecodeException e) {
            bad(side, "malformed TSRequest: " + e.getMessage());
            return;
        }
        if (side == Side.CLIENT) {
            if (clientVersion < 0) clientVersion = r.version();
        } else if (serverVersion < 0) {
            serverVersion = r.version();
        }
        String ntlm = null;
        byte[] token = r.firstToken();
        if (token != null) {
            try {
                Spnego.TokenKind kind = Spnego.detect(token);
                if (side == Side.CLIENT && tokenFormat == null) {
                    tokenFormat = kind == Spnego.TokenKind.RAW_NTLM ? "raw NTLM" : "SPNEGO " + kind;
                }
                byte[] inner = kind == Spnego.TokenKind.UNKNOWN ? null : Spnego.innerToken(token);
                if (inner != null && NtlmMessages.isNtlm(inner)) {
                    ntlm = ntlm(side, inner, ts);
                } else if (inner != null) {
                    ntlm = "not NTLM";
                }
            } catch (DecodeException | IllegalArgumentException e) {
                bad(side, "malformed negoToken: " + e.getMessage());
            }
        }
        boolean pka = r.pubKeyAuth() != null;
        boolean auth = r.authInfo() != null;
        if (messages.size() < MAX_MESSAGES) {
            messages.add(new Message(ts, side, r.version(), ntlm, pka, auth, r.errorCode()));
        }
        if (side == Side.CLIENT) {
            if (pka) clientPubKeyAuth = true;
            CredSspReading.Phase p = "NEGOTIATE".equals(ntlm) ? CredSspReading.Phase.NEGOTIATE
                    : "AUTHENTICATE".equals(ntlm) ? CredSspReading.Phase.AUTHENTICATE
                    : auth ? CredSspReading.Phase.CREDENTIALS : lastClientPhase;
            if (auth && tAuthInfo < 0) tAuthInfo = ts;
            lastClientPhase = p;
            tLastClient = ts;
            serverAnsweredLast = false;
            return;
        }
        serverAnsweredLast = true;
        if (r.errorCode() != null && error == null) {
            error = r.status();
            tError = ts;
            errorAfter = lastClientPhase;
        }
        if (pka && tAuthenticate >= 0 && tServerPubKeyAuth < 0) {
            tServerPubKeyAuth = ts;
        }
    }

    private String ntlm(Side side, byte[] inner, long ts) {
        ByteBuf b = Unpooled.wrappedBuffer(inner);
        int type = NtlmMessages.peekType(b);
        switch (type) {
            case NtlmMessages.NEGOTIATE -> {
                if (side == Side.CLIENT && negotiate == null) {
                    tNegotiate = ts;
                    negotiate = NegotiateMessage.decode(b);
                }
                return "NEGOTIATE";
            }
            case NtlmMessages.CHALLENGE -> {
                if (side == Side.SERVER && challenge == null) {
                    tChallenge = ts;
                    challenge = ChallengeMessage.decode(b);
                }
                return "CHALLENGE";
            }
            case NtlmMessages.AUTHENTICATE -> {
                if (side == Side.CLIENT && authenticate == null) {
                    tAuthenticate = ts;
                    authenticate = AuthenticateMessage.decode(b);
                }
                return "AUTHENTICATE";
            }
            default -> {
                return "message type " + type;
            }
        }
    }

    private void bad(Side side, String what) {
        if (malformed == null) {
            malformed = what;
            malformedFrom = side;
        }
    }
}
