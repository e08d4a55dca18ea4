package io.rdpprobe.probe.gateway;

import io.rdpprobe.probe.credssp.Credentials;
import io.rdpprobe.probe.credssp.Secret;
import io.rdpprobe.probe.tls.TlsSettings;

/**
 * What the probe does at the RD Gateway (MS-TSGU HTTP transport).
 *
 * @param host        the gateway's name (DNS and TCP go there)
 * @param port        the gateway's port (443 by default)
 * @param transport   WebSocket, the two-connection RDG_OUT_DATA/RDG_IN_DATA transport, or AUTO (WebSocket
 *                    first; a 200 to the upgrade request means the gateway took it as the legacy OUT channel)
 * @param auth        the HTTP authentication scheme, or AUTO (from the gateway's WWW-Authenticate list)
 * @param credentials the gateway credentials, or null (then only the NTLM CHALLENGE is read)
 * @param token       a PAA access token (sent in TUNNEL_CREATE), or null; a secret
 * @param tls         TLS versions and trust for the gateway's certificate
 * @param targetHost  the resource name sent in CHANNEL_CREATE, exactly as given (the RAP matches it)
 * @param targetPort  the target's RDP port
 * @param clientName  the client name sent in TUNNEL_AUTH
 */
public record GatewaySettings(String host, int port, Transport transport, AuthMode auth, Credentials credentials,
                              Secret token, TlsSettings tls, String targetHost, int targetPort, String clientName) {
    public static final int DEFAULT_PORT = 443;
    public static final String PATH = "/remoteDesktopGateway/";

    public enum Transport { AUTO, WEBSOCKET, HTTP }

    /**
     * AUTO picks NTLM, then Negotiate, then Basic from the gateway's list; AUTO_NO_BASIC never picks Basic (used
     * when a capture and its key log are both written: Basic would put the password, base64-encoded, in them).
     */
    public enum AuthMode { AUTO, AUTO_NO_BASIC, NTLM, NEGOTIATE, BASIC }

    public GatewaySettings {
        if (port < 1 || port > 65535 || targetPort < 1 || targetPort > 65535) {
            throw new IllegalArgumentException("ports must be 1..65535");
        }
        transport = transport == null ? Transport.AUTO : transport;
        auth = auth == null ? AuthMode.AUTO : auth;
        tls = tls == null ? TlsSettings.defaults() : tls;
        clientName = clientName == null || clientName.isEmpty() ? "rdp-probe" : clientName;
    }

    /** host:port, IPv6 in brackets. */
    public String address() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "GatewaySettings[" + address() + ", " + transport + ", " + auth + ", credentials="
                + (credentials == null ? "none" : credentials.display()) + ", token=" + (token == null ? "none" : "***")
                + ", target=" + targetHost + ":" + targetPort + "]";
    }
}
