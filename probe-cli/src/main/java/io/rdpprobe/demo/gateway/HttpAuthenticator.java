package io.rdpprobe.demo.gateway;

import io.rdpprobe.demo.DemoNtlmAcceptor;
import io.rdpprobe.protocol.ntlm.NtlmSealing;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import io.rdpprobe.protocol.spnego.Spnego;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * HTTP authentication of one gateway connection (MS-TSGU 3.3.4; RFC 4559 for NTLM/Negotiate, RFC 7617 for
 * Basic). NTLM is connection-based: NEGOTIATE, then 401 with the CHALLENGE, then the AUTHENTICATE on the same
 * connection. A failed exchange gets a fresh 401 and the connection closes, as http.sys does.
 */
final class HttpAuthenticator {
    /** What to answer a request. */
    sealed interface Decision permits Challenge, Authenticated {}

    /** 401 with these WWW-Authenticate values; {@code close} after a failed exchange. */
    record Challenge(List<String> wwwAuthenticate, boolean close, String reason) implements Decision {}

    /** Authenticated as {@code user}; {@code finalToken}, when not null, goes in WWW-Authenticate of the answer. */
    record Authenticated(String user, GatewayAuth scheme, String finalToken) implements Decision {}

    private static final SecureRandom RANDOM = new SecureRandom();

    private final GatewayConfig config;
    private DemoNtlmAcceptor ntlm;
    private GatewayAuth ntlmScheme;
    private NegTokenInit spnegoInit;
    private String authenticated;
    private GatewayAuth authenticatedScheme;

    HttpAuthenticator(GatewayConfig config) {
        this.config = config;
    }

    /** The user this connection authenticated as, or null. */
    String user() {
        return authenticated;
    }

    Decision onRequest(String authorization) {
        if (authenticated != null && authorization == null) {
            return new Authenticated(authenticated, authenticatedScheme, null); // connection-based, as http.sys
        }
        if (authorization == null) {
            return offer(false, "no Authorization header");
        }
        String a = authorization.trim();
        int sp = a.indexOf(' ');
        String scheme = sp < 0 ? a : a.substring(0, sp);
        String value = sp < 0 ? "" : a.substring(sp + 1).trim();
        GatewayAuth s = null;
        for (GatewayAuth g : config.authSchemes()) {
            if (g.token().equalsIgnoreCase(scheme)) {
                s = g;
            }
        }
        if (s == null) {
            return offer(false, "scheme " + scheme + " not offered");
        }
        byte[] token;
        try {
            token = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            return offer(true, "Authorization is not base64");
        }
        try {
            return s == GatewayAuth.BASIC ? basic(token) : ntlm(s, token);
        } catch (RuntimeException e) { // a malformed NTLM or SPNEGO token: a failed exchange
            return offer(true, "malformed " + s.token() + " token: " + e.getMessage());
        }
    }

    /** 401 offering every scheme: {@code NTLM}, {@code Negotiate}, {@code Basic realm="..."}. */
    Challenge offer(boolean close, String reason) {
        ntlm = null;
        spnegoInit = null;
        List<String> h = new ArrayList<>();
        for (GatewayAuth g : config.authSchemes()) {
            h.add(g == GatewayAuth.BASIC ? "Basic realm=\"" + config.realm() + "\"" : g.token());
        }
        return new Challenge(h, close, reason);
    }

    private Decision basic(byte[] token) {
        String up = new String(token, StandardCharsets.UTF_8);
        int colon = up.indexOf(':');
        if (colon < 0) {
            return offer(true, "Basic credentials without ':'");
        }
        String user = up.substring(0, colon);
        String domain = "";
        int bs = user.indexOf('\\');
        if (bs >= 0) {
            domain = user.substring(0, bs);
            user = user.substring(bs + 1);
        }
        GatewayAccount acc = config.account(user, domain);
        if (acc == null || !java.security.MessageDigest.isEqual(acc.password().getBytes(StandardCharsets.UTF_8),
                up.substring(colon + 1).getBytes(StandardCharsets.UTF_8))) {
            return offer(true, "Basic: wrong user or password");
        }
        return done(acc.qualifiedName(), GatewayAuth.BASIC, null);
    }

    private Decision ntlm(GatewayAuth scheme, byte[] token) {
        byte[] inner = token;
        NegTokenResp resp = null;
        if (scheme == GatewayAuth.NEGOTIATE) {
            Spnego.TokenKind kind = Spnego.detect(token);
            if (kind == Spnego.TokenKind.NEG_TOKEN_INIT) {
                spnegoInit = NegTokenInit.decode(token);
                inner = Spnego.innerToken(token);
            } else if (kind == Spnego.TokenKind.NEG_TOKEN_RESP) {
                resp = NegTokenResp.decode(token);
                inner = resp.responseToken();
            }
        }
        if (inner == null || inner.length < 12 || !new String(inner, 0, 7, StandardCharsets.US_ASCII).equals("NTLMSSP")) {
            return offer(true, scheme.token() + ": not an NTLMSSP token");
        }
        int type = inner[8] & 0xff;
        if (type == 1) {
            byte[] challenge = new byte[8];
            RANDOM.nextBytes(challenge);
            GatewayConfig.NtlmNames n = config.names();
            ntlm = new DemoNtlmAcceptor((u, d) -> {
                GatewayAccount acc = config.account(u, d);
                return acc == null ? null : acc.password();
            }, n.netbiosDomain(), n.computer(), n.dnsDomain(), new NtlmVersion(10, 0, 17763, 15),
                    System.currentTimeMillis(), challenge);
            ntlmScheme = scheme;
            byte[] ch = ntlm.challenge(inner);
            boolean wrap = scheme == GatewayAuth.NEGOTIATE && spnegoInit != null;
            byte[] out = wrap ? new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, ch, null).toBytes() : ch;
            return new Challenge(List.of(scheme.token() + " " + Base64.getEncoder().encodeToString(out)), false,
                    "NTLM CHALLENGE");
        }
        if (type != 3 || ntlm == null || ntlmScheme != scheme) {
            return offer(true, scheme.token() + ": AUTHENTICATE without NEGOTIATE/CHALLENGE on this connection");
        }
        DemoNtlmAcceptor.Verification v = ntlm.verify(inner);
        if (!v.ok()) {
            return offer(true, scheme.token() + ": " + v.result() + " for " + v.domain() + "\\" + v.user());
        }
        GatewayAccount acc = config.account(v.user(), v.domain());
        if (acc == null) {
            return offer(true, scheme.token() + ": unknown account");
        }
        String finalToken = null;
        if (spnegoInit != null && resp != null) {
            NtlmSealing seal = new NtlmSealing(v.exportedSessionKey(), v.flags(), false);
            byte[] mic = resp.mechListMic();
            if (mic != null && !seal.verify(spnegoInit.mechTypesDer(), mic)) {
                return offer(true, "Negotiate: bad mechListMIC");
            }
            byte[] serverMic = mic == null ? null : seal.sign(spnegoInit.mechTypesDer());
            finalToken = scheme.token() + " " + Base64.getEncoder().encodeToString(
                    new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, null, null, serverMic).toBytes());
        }
        return done(acc.qualifiedName(), scheme, finalToken);
    }

    private Decision done(String user, GatewayAuth scheme, String finalToken) {
        authenticated = user;
        authenticatedScheme = scheme;
        ntlm = null;
        return new Authenticated(user, scheme, finalToken);
    }

    /** For logs: the scheme and the NTLM message type and size, never the token. */
    static String redact(String authorization) {
        if (authorization == null) {
            return null;
        }
        String a = authorization.trim();
        int sp = a.indexOf(' ');
        if (sp < 0) {
            return a;
        }
        String scheme = a.substring(0, sp);
        try {
            byte[] t = Base64.getDecoder().decode(a.substring(sp + 1).trim());
            String kind = t.length > 8 && t[0] == 'N' && t[1] == 'T' ? "NTLM type " + (t[8] & 0xff)
                    : scheme.equalsIgnoreCase("Basic") ? "user:password" : "token";
            return scheme + " <" + kind + ", " + t.length + " bytes>";
        } catch (IllegalArgumentException e) {
            return scheme + " <not base64>";
        }
    }
}
