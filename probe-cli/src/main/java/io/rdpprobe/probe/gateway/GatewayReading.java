package io.rdpprobe.probe.gateway;

import io.rdpprobe.probe.model.Cause;
import io.rdpprobe.probe.model.GatewayCauses;
import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.protocol.rdg.Capabilities;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.ExtendedAuth;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.RdgPacketType;
import io.rdpprobe.protocol.rdg.RdgStatus;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an RD Gateway's answers mean (MS-TSGU): its HTTP statuses and authentication challenges, its WebSocket
 * upgrade, and the HRESULT of each handshake, tunnel and channel response. The ONE interpretation of the gateway
 * stages: the live {@link GatewaySequence} and the capture analyser's gateway observer both call it, so a status
 * or HRESULT gets the same cause, summary and evidence names on both paths.
 */
public final class GatewayReading {
    private GatewayReading() {}

    /** A gateway answer that ends a gateway stage as FAILED: its cause and the summary. */
    public record Failure(Cause cause, String summary, boolean inferred) {
        Failure(Cause cause, String summary) {
            this(cause, summary, false);
        }
    }

    // ---- HTTP ------------------------------------------------------------------------------------------

    /**
     * The failure that a final HTTP status of {@code method} (RDG_OUT_DATA or RDG_IN_DATA) means, or null for the
     * statuses the handshake goes on from: 101, 200 (see {@link #webPage}), 401 (authentication) and 404 (the
     * RPC-over-HTTP check follows: {@link #afterNotFound}).
     */
    public static Failure httpStatus(String method, HttpReply r) {
        int st = r.status();
        if (st == 101 || st == 200 || st == 401 || st == 404) {
            return null;
        }
        if (st == 403) {
            return new Failure(GatewayCauses.GATEWAY_HTTP_FORBIDDEN, method + " was refused with 403 Forbidden");
        }
        if (st == 405 || st == 501) {
            return new Failure(GatewayCauses.GATEWAY_HTTP_METHOD_REFUSED, "the web server refused the " + method
                    + " method with " + st + ": a proxy or web server that is not an RD Gateway");
        }
        if (st == 407) {
            return new Failure(GatewayCauses.GATEWAY_PROXY_AUTH_REQUIRED, "407 Proxy Authentication Required");
        }
        if (st >= 500) {
            return new Failure(GatewayCauses.GATEWAY_HTTP_SERVER_ERROR, "the gateway answered " + method + " with " + st
                    + (r.reason() == null ? "" : " " + r.reason()));
        }
        return new Failure(GatewayCauses.GATEWAY_HTTP_UNEXPECTED, "the gateway answered " + method + " with HTTP " + st);
    }

    /**
     * After a 404 for /remoteDesktopGateway/: {@code rpcStatus} is the status of RPC_IN_DATA /rpc/rpcproxy.dll, or -1
     * when it was not tried (a capture whose client did not check).
     */
    public static Failure afterNotFound(int rpcStatus) {
        if (rpcStatus == 401 || rpcStatus == 200) {
            return new Failure(GatewayCauses.GATEWAY_RPC_ONLY, "/remoteDesktopGateway/ is not found (404), but "
                    + "/rpc/rpcproxy.dll answers " + rpcStatus + ": a gateway with only the legacy RPC-over-HTTP transport");
        }
        return new Failure(GatewayCauses.GATEWAY_HTTP_NOT_FOUND, "the web server answered 404 for /remoteDesktopGateway/"
                + (rpcStatus < 0 ? "" : " (and " + rpcStatus + " for /rpc/rpcproxy.dll)") + ": no RD Gateway here");
    }

    /** A 200 whose body is a web page (HTML): NOT_A_GATEWAY, or null. */
    public static Failure webPage(String method, HttpReply r) {
        String ct = r.first("content-type");
        byte[] body = r.bodyPrefix();
        boolean html = (ct != null && ct.toLowerCase(Locale.ROOT).contains("html"))
                || (body.length > 0 && new String(body, 0, Math.min(body.length, 64), StandardCharsets.ISO_8859_1)
                        .trim().toLowerCase(Locale.ROOT).startsWith("<"));
        if (!html) {
            return null;
        }
        return new Failure(GatewayCauses.NOT_A_GATEWAY, "the " + method + " request got 200 with "
                + (ct == null ? "an HTML body" : ct) + ": a web page, not an RD Gateway");
    }

    /** The schemes a 401 offers (WWW-Authenticate), in order: "NTLM", "Negotiate", "Basic"... */
    public static List<String> offeredSchemes(HttpReply r) {
        List<String> offered = new ArrayList<>();
        for (String v : r.all("www-authenticate")) {
            String t = v.trim();
            int sp = t.indexOf(' ');
            offered.add(sp < 0 ? t : t.substring(0, sp));
        }
        return offered;
    }

    /** The base64 NTLM/Negotiate token of a 401 (the CHALLENGE), or null. */
    public static String challenge(HttpReply r) {
        String challengeB64 = null;
        for (String v : r.all("www-authenticate")) {
            String t = v.trim();
            int sp = t.indexOf(' ');
            String name = sp < 0 ? t : t.substring(0, sp);
            if (sp > 0 && (name.equalsIgnoreCase("NTLM") || name.equalsIgnoreCase("Negotiate"))) {
                String param = t.substring(sp + 1).trim();
                if (!param.contains("=") || param.endsWith("=")) {
                    challengeB64 = param;
                }
            }
        }
        return challengeB64;
    }

    /** A 401 to the complete authentication ({@code what}: "NTLM AUTHENTICATE", "Basic credentials"). */
    public static Failure authRejected(String what, String user, boolean inLeg) {
        return new Failure(GatewayCauses.GATEWAY_AUTH_FAILED, "the gateway answered " + what + " for "
                + (user == null ? "the user" : user) + " with 401 again" + (inLeg ? " on the second (RDG_IN_DATA) connection" : "")
                + ": wrong password, unknown user, or an account that may not log on");
    }

    /** The gateway closed the connection right after the NTLM AUTHENTICATE (no HTTP answer): an inference. */
    public static Failure closedAfterAuthenticate() {
        return new Failure(GatewayCauses.GATEWAY_AUTH_FAILED, "the gateway closed the connection right after the NTLM "
                + "AUTHENTICATE: most likely the credentials were rejected (inferred)", true);
    }

    /** Whether a 101 completes the WebSocket upgrade for the client's Sec-WebSocket-Key (RFC 6455 4.2.2). */
    public static boolean websocketAccepted(HttpReply r, String key) {
        String accept = r.first("sec-websocket-accept");
        return key != null && accept != null && accept.trim().equals(GatewaySequence.acceptFor(key))
                && r.first("upgrade") != null && r.first("upgrade").trim().equalsIgnoreCase("websocket");
    }

    public static Failure websocketRefused() {
        return new Failure(GatewayCauses.GATEWAY_WEBSOCKET_REFUSED, "101 Switching Protocols without a valid "
                + "Upgrade: websocket / Sec-WebSocket-Accept (RFC 6455 4.2.2)");
    }

    // ---- RDG packets -----------------------------------------------------------------------------------

    /** The gateway stage a response belongs to. */
    public static Stage stageOf(int responseType) {
        return responseType == RdgPacketType.CHANNEL_RESPONSE ? Stage.GATEWAY_CHANNEL : Stage.GATEWAY_TUNNEL;
    }

    /** The response that answers a client packet type, or -1 (DATA, keepalive, close...). */
    public static int responseTo(int requestType) {
        return switch (requestType) {
            case RdgPacketType.HANDSHAKE_REQUEST -> RdgPacketType.HANDSHAKE_RESPONSE;
            case RdgPacketType.TUNNEL_CREATE -> RdgPacketType.TUNNEL_RESPONSE;
            case RdgPacketType.TUNNEL_AUTH -> RdgPacketType.TUNNEL_AUTH_RESPONSE;
            case RdgPacketType.CHANNEL_CREATE -> RdgPacketType.CHANNEL_RESPONSE;
            default -> -1;
        };
    }

    public static Failure unexpected(int expectedType, int gotType) {
        return new Failure(GatewayCauses.GATEWAY_UNEXPECTED_PACKET, "expected " + RdgPacketType.name(expectedType)
                + ", the gateway sent " + RdgPacketType.name(gotType));
    }

    /**
     * Reads a HANDSHAKE_RESPONSE, TUNNEL_RESPONSE, TUNNEL_AUTH_RESPONSE or CHANNEL_RESPONSE: puts its evidence into
     * {@code ev} and returns the failure its HRESULT means, or null when it succeeded (and for other packets).
     *
     * @param target "host:port" of the channel's target (for the CHANNEL_RESPONSE summary)
     */
    public static Failure response(RdgPacket p, Map<String, Object> ev, String target) {
        if (p instanceof HandshakeResponse hr) {
            ev.put("handshakeStatus", hr.status().toString());
            ev.put("gatewayVersion", hr.versionMajor() + "." + hr.versionMinor());
            ev.put("gatewayServerVersion", hr.serverVersion());
            ev.put("extendedAuth", ExtendedAuth.names(hr.extendedAuth()));
            return hr.status().isSuccess() ? null : status(hr.status(), "HANDSHAKE_RESPONSE: " + hr.status() + ": "
                    + hr.status().meaning());
        }
        if (p instanceof TunnelResponse tr) {
            ev.put("tunnelStatus", tr.status().toString());
            if (tr.tunnelId() != null) {
                ev.put("tunnelId", tr.tunnelId());
            }
            if (tr.capsFlags() != null) {
                ev.put("gatewayCapabilities", Capabilities.names(tr.capsFlags()));
            }
            if (tr.consentMessage() != null) {
                ev.put("consentMessage", tr.consentMessage());
            }
            if ((tr.fieldsPresent() & TunnelResponse.FIELD_SOH_REQ) != 0) {
                ev.put("statementOfHealthRequested", true);
            }
            return tr.status().isSuccess() ? null : status(tr.status(), "TUNNEL_RESPONSE: " + tr.status() + ": "
                    + tr.status().meaning());
        }
        if (p instanceof TunnelAuthResponse ar) {
            ev.put("tunnelAuthStatus", ar.status().toString());
            if (ar.redirFlags() != null) {
                ev.put("redirection", Capabilities.redirectionNames(ar.redirFlags()));
            }
            if (ar.idleTimeoutMinutes() != null) {
                ev.put("idleTimeoutMinutes", ar.idleTimeoutMinutes());
            }
            return ar.status().isSuccess() ? null : status(ar.status(), "TUNNEL_AUTH_RESPONSE: " + ar.status() + ": "
                    + ar.status().meaning());
        }
        if (p instanceof ChannelResponse cr) {
            ev.put("channelStatus", cr.status().toString());
            if (cr.channelId() != null) {
                ev.put("channelId", cr.channelId());
            }
            if (cr.udpPort() != null) {
                ev.put("udpPort", cr.udpPort());
            }
            return cr.status().isSuccess() ? null : status(cr.status(), "CHANNEL_RESPONSE for " + target + ": "
                    + cr.status() + ": " + cr.status().meaning());
        }
        return null;
    }

    /** The GATEWAY_TUNNEL stage's OK summary, from the evidence {@link #response} put. */
    public static String tunnelOk(Map<String, Object> ev) {
        return "tunnel " + (ev.get("tunnelId") == null ? "" : ev.get("tunnelId") + " ") + "created and authorized"
                + (ev.get("idleTimeoutMinutes") != null ? ", idle timeout " + ev.get("idleTimeoutMinutes") + " min" : "");
    }

    /** The GATEWAY_CHANNEL stage's OK summary. */
    public static String channelOk(Map<String, Object> ev, String target) {
        return "channel " + (ev.get("channelId") == null ? "" : ev.get("channelId") + " ") + "to " + target + " open";
    }

    /** A CLOSE_CHANNEL from the gateway before the channel was open. */
    public static Failure closeChannel(CloseChannel c, Stage during) {
        return status(c.status(), "the gateway sent CLOSE_CHANNEL with " + c.status() + " during " + during);
    }

    /**
     * A CLOSE_CHANNEL from the gateway once the channel was open: the failure when the gateway itself ended the
     * tunnel (timeout, administrator, re-authentication), null when it passes on the target's end.
     */
    public static Failure closeChannelWhileOpen(RdgStatus st, String target) {
        boolean targetEnded = st.isSuccess() || st.name().equals("ERROR_GRACEFUL_DISCONNECT")
                || st.name().equals("ERROR_BAD_ARGUMENTS");
        if (targetEnded) {
            return null;
        }
        return status(st, "the gateway closed the channel to " + target + " with " + st + ": " + st.meaning());
    }

    /** The gateway closed (FIN) or reset the connection {@code after} ("while waiting for ...") in a gateway stage. */
    public static Failure closed(boolean reset, String after) {
        return new Failure(reset ? io.rdpprobe.probe.model.Causes.CONNECTION_RESET : GatewayCauses.GATEWAY_CLOSED,
                "the gateway " + (reset ? "reset" : "closed") + " the connection " + after);
    }

    /** The gateway's bytes do not frame or decode as HTTP or MS-TSGU. */
    public static Failure malformed(String what) {
        return new Failure(GatewayCauses.GATEWAY_MALFORMED, what);
    }

    private static Failure status(RdgStatus st, String summary) {
        return new Failure(GatewayCauses.forStatus(st), summary);
    }
}
