package io.rdpprobe.probe.model;

import io.rdpprobe.protocol.rdg.RdgStatus;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the RD Gateway stages (MS-TSGU). A gateway's HRESULT keeps its MS-TSGU 2.2.6 name as the cause
 * code ({@link #forStatus}); HTTP-level findings have fixed names.
 *
 * <p>Client codes: mstsc shows gateway failures in its 0x3000xxx range. The values here pair the
 * client's error names (as listed by the rdpgw project) with the HRESULT of the same meaning; the pairing
 * is by name and has not been checked against mstsc itself, so only the clear pairs carry a code.
 */
public final class GatewayCauses {
    private GatewayCauses() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    // ---- GATEWAY_TLS ------------------------------------------------------------------------------------
    public static final Cause GATEWAY_CERT_NOT_TRUSTED = def("GATEWAY_CERT_NOT_TRUSTED",
            "mstsc refuses an RD Gateway certificate it does not trust outright (unlike a target's certificate, "
                    + "there is no 'connect anyway')",
            "give the gateway a certificate from a CA the clients trust (its name must be the gateway name the "
                    + "clients use), or deploy the gateway's CA to the clients; --gateway-ca / --gateway-trust-cert "
                    + "tell the probe what the clients trust", ClientError.of(0x3000003));

    // ---- GATEWAY_HTTP -----------------------------------------------------------------------------------
    public static final Cause GATEWAY_AUTH_FAILED = def("GATEWAY_AUTH_FAILED",
            "the gateway answered the complete HTTP authentication exchange with 401 again: it rejected the credentials",
            "check the user name (DOMAIN\\user or UPN), the password, and that the account is not locked or expired; "
                    + "the gateway's Security log (event 4625) names the reason", ClientError.of(0x300001A));
    public static final Cause GATEWAY_CREDENTIALS_REQUIRED = def("GATEWAY_CREDENTIALS_REQUIRED",
            "the gateway requires HTTP authentication and no credentials (or token) were given",
            "give --gateway-user and --gateway-password-env/-file/-stdin (or the target's --user), or a PAA token "
                    + "with --gateway-token-env/-file", null);
    public static final Cause GATEWAY_AUTH_SCHEME_UNSUPPORTED = def("GATEWAY_AUTH_SCHEME_UNSUPPORTED",
            "the gateway offers no HTTP authentication scheme that the client can use",
            "enable NTLM or Negotiate for the gateway's web site (IIS Windows Authentication / the RD Gateway's "
                    + "'Windows authentication' setting); mstsc and FreeRDP do not use Basic", null);
    public static final Cause GATEWAY_HTTP_FORBIDDEN = def("GATEWAY_HTTP_FORBIDDEN",
            "the gateway's web server answered 403 Forbidden",
            "the request is refused before RD Gateway sees it: check IIS request filtering, IP restrictions and "
                    + "SSL settings (client certificates) of the /remoteDesktopGateway/ application", null);
    public static final Cause GATEWAY_HTTP_NOT_FOUND = def("GATEWAY_HTTP_NOT_FOUND",
            "the web server answered 404: no RD Gateway HTTP transport at /remoteDesktopGateway/",
            "check that this host runs the RD Gateway role with the HTTP transport enabled, and that a reverse "
                    + "proxy forwards /remoteDesktopGateway/ (with the RDG_OUT_DATA/RDG_IN_DATA methods)", null);
    public static final Cause GATEWAY_HTTP_METHOD_REFUSED = def("GATEWAY_HTTP_METHOD_REFUSED",
            "the web server refused the RDG_OUT_DATA/RDG_IN_DATA method (405 or 501)",
            "a reverse proxy or web application firewall in front of the gateway blocks the RD Gateway's own HTTP "
                    + "methods: allow RDG_OUT_DATA and RDG_IN_DATA (and WebSocket upgrades) for /remoteDesktopGateway/", null);
    public static final Cause GATEWAY_PROXY_AUTH_REQUIRED = def("GATEWAY_PROXY_AUTH_REQUIRED",
            "an HTTP proxy between the probe and the gateway demands authentication (407)",
            "the path to the gateway goes through an authenticating proxy; RD Gateway clients cannot use one: "
                    + "exempt the gateway's name from the proxy", ClientError.of(0x3000020));
    public static final Cause GATEWAY_HTTP_SERVER_ERROR = def("GATEWAY_HTTP_SERVER_ERROR",
            "the gateway's web server answered with a 5xx error",
            "check the gateway: the TSGateway service, the IIS application pool, and the gateway's event log "
                    + "(TerminalServices-Gateway)", ClientError.of(0x300000D));
    public static final Cause GATEWAY_HTTP_UNEXPECTED = def("GATEWAY_HTTP_UNEXPECTED",
            "the gateway answered with an HTTP status an RD Gateway does not send here",
            "look at the status and headers in the evidence: something other than RD Gateway answers on this URL", null);
    public static final Cause NOT_A_GATEWAY = def("NOT_A_GATEWAY",
            "a web server answered /remoteDesktopGateway/ with a web page: this is not an RD Gateway",
            "check the gateway name and port; a web site or load balancer answers there, not the RD Gateway", null);
    public static final Cause GATEWAY_RPC_ONLY = def("GATEWAY_RPC_ONLY",
            "the gateway offers only the legacy RPC-over-HTTP transport (/rpc/rpcproxy.dll), not the HTTP transport",
            "this is a Windows Server 2008/2008 R2 style gateway: enable the HTTP transport (Windows Server 2012 and "
                    + "later) or upgrade it; rdp-probe does not speak RPC-over-HTTP yet", null);
    public static final Cause GATEWAY_WEBSOCKET_REFUSED = def("GATEWAY_WEBSOCKET_REFUSED",
            "the gateway accepted the request but the WebSocket upgrade failed (no valid 101 Switching Protocols)",
            "a proxy may strip the Upgrade headers; try --gateway-transport http, and allow WebSocket upgrades "
                    + "for /remoteDesktopGateway/ on the proxy", null);
    public static final Cause GATEWAY_CLOSED = def("GATEWAY_CLOSED",
            "the gateway closed the connection",
            "see the evidence for after what; the gateway's event log (TerminalServices-Gateway) says why", ClientError.of(0x3000018));
    public static final Cause GATEWAY_NO_RESPONSE = def("GATEWAY_NO_RESPONSE",
            "the gateway accepted the connection but sent no answer before the deadline",
            "the gateway service may be hung or overloaded, or a middlebox holds the request: check the TSGateway "
                    + "service and the path", ClientError.of(0x3000033));
    public static final Cause GATEWAY_MALFORMED = def("GATEWAY_MALFORMED",
            "the gateway sent a packet that is not valid MS-TSGU",
            "the evidence names the field and offset; something other than RD Gateway, or a broken proxy, is answering", null);

    public static final Cause GATEWAY_UNEXPECTED_PACKET = def("GATEWAY_UNEXPECTED_PACKET",
            "the gateway sent an RDG packet that does not belong in this step of the handshake",
            "the evidence names the packet; a gateway or proxy that does not follow MS-TSGU is answering", null);

    // ---- X224 on the wrong port (found by the follow-up connection) -------------------------------------
    public static final Cause RD_GATEWAY_PORT = def("RD_GATEWAY_PORT",
            "this port is an RD Gateway (HTTPS with /remoteDesktopGateway/), not an RDP listener",
            "probe the RDP host through it: rdp-probe probe TARGET --gateway HOST:PORT (in mstsc: Advanced, "
                    + "RD Gateway settings)", ClientError.of(0x904));
    public static final Cause TLS_FIRST_PORT = def("TLS_FIRST_PORT",
            "this port speaks TLS first (HTTPS or another TLS service), not RDP's X.224 negotiation",
            "check the port: RDP listens on 3389 unless changed; if an RD Gateway sits behind a proxy here, probe "
                    + "with --gateway HOST:PORT", ClientError.of(0x904));

    // ---- GATEWAY_TUNNEL / GATEWAY_CHANNEL: server HRESULTs ----------------------------------------------
    private static final Map<String, String[]> REMEDIES = new LinkedHashMap<>();

    private static void status(String name, String remedy, Integer clientCode) {
        REMEDIES.put(name, new String[] {remedy, clientCode == null ? null : Integer.toString(clientCode)});
    }

    static {
        status("E_PROXY_NAP_ACCESSDENIED", "the connection authorization policy (RD CAP) does not allow this user: add the "
                + "user's group (and, if the CAP lists them, the client computer's group) to a CAP in RD Gateway Manager; "
                + "also check the CAP's device redirection and authentication method (password vs smart card) conditions",
                0x300001C);
        status("E_PROXY_RAP_ACCESSDENIED", "the resource authorization policy (RD RAP) does not allow this target: the RAP's "
                + "computer group must list the name exactly as the client sends it (FQDN, NetBIOS name or IP address: "
                + "each form is a separate entry) and allow this port (3389 by default)", 0x300001B);
        status("E_PROXY_TS_CONNECTFAILED", "the gateway could not reach the target: check a firewall between the gateway and "
                + "the target (TCP 3389 or the port given), that the target is up and listening, and that the gateway's "
                + "DNS resolves the name as sent", null);
        status("E_PROXY_MAXCONNECTIONSREACHED", "the gateway's connection limit is reached: raise it in RD Gateway Manager "
                + "(server properties, General) or wait for connections to close", 0x3000022);
        status("E_PROXY_INTERNALERROR", "the gateway hit an internal error: check its event log (TerminalServices-Gateway) "
                + "and restart the TSGateway service", null);
        status("E_PROXY_CAPABILITYMISMATCH", "the gateway requires consent signing (a logon message) that the client does "
                + "not support: update the client or remove the requirement", 0x3000024);
        status("E_PROXY_QUARANTINE_ACCESSDENIED", "the health policy (NAP) rejected the client: remediate the client or "
                + "relax the CAP's NAP condition", 0x3000041);
        status("E_PROXY_NOCERTAVAILABLE", "the gateway has no SSL certificate configured: import one and select it in RD "
                + "Gateway Manager (SSL Certificate tab)", 0x3000028);
        status("E_PROXY_COOKIE_BADPACKET", "the PAA cookie (access token) is malformed: get a new token from the web portal", 0x3000034);
        status("E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED", "the PAA cookie (access token) was rejected: it may have "
                + "expired or belong to another gateway; get a new one", 0x3000035);
        status("E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD", "the gateway runs in a different authentication mode (PAA / web "
                + "single sign-on vs Windows authentication) than the client used: use a token with --gateway-token-*, "
                + "or credentials, as the gateway expects", 0x3000037);
        status("E_PROXY_SESSIONTIMEOUT", "the gateway's session timeout expired: reconnect, or raise the timeout in the CAP", null);
        status("E_PROXY_CONNECTIONABORTED", "the gateway ended the connection (an administrator, a timeout or a failed "
                + "re-authentication): see the gateway's event log", 0x3000019);
        status("E_PROXY_ALREADYDISCONNECTED", "the tunnel was already disconnected: retry", null);
        status("E_PROXY_NOTSUPPORTED", "the gateway did not accept a packet: the gateway and client disagree on the "
                + "protocol version", 0x3000023);
        status("E_PROXY_SDR_NOT_SUPPORTED_BY_TS", "the gateway requires the target to enforce device redirection policies "
                + "and the target cannot: relax 'enforce device redirection' or update the target", null);
        status("ERROR_ACCESS_DENIED", "the gateway refused the operation in this state", null);
        status("SEC_E_LOGON_DENIED", "the gateway rejected the credentials: check user name and password", 0x300001A);
    }

    /** The cause for a failing HRESULT from the gateway: its MS-TSGU name, meaning, remedy and client code. */
    public static Cause forStatus(RdgStatus st) {
        String[] r = REMEDIES.get(st.name());
        String remedy = r != null ? r[0]
                : "an HRESULT outside MS-TSGU 2.2.6: look it up (certutil -error 0x" + Long.toHexString(st.value())
                        + ") and check the gateway's event log (TerminalServices-Gateway)";
        ClientError ce = r != null && r[1] != null ? ClientError.of(Integer.parseInt(r[1])) : null;
        String code = st.isKnown() ? st.name() : "GATEWAY_HRESULT_" + String.format("%08X", st.value());
        return new Cause(code, st.meaning(), remedy, ce);
    }

    /** Every fixed cause, for docs and vocabulary tests. */
    public static Map<String, Cause> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }
}
