package io.rdpprobe.demo.gateway;

/**
 * How the embedded RD Gateway misbehaves. A wrong password and an unreachable target are not faults: they come
 * from the configuration (a password the account does not have, a target port nothing listens on).
 */
public enum GatewayFault {
    /** A gateway that follows MS-TSGU. */
    NONE("a working gateway"),
    /** TUNNEL_AUTH_RESPONSE E_PROXY_NAP_ACCESSDENIED: the connection authorization policy denies the user. */
    CAP_DENIED("RD CAP denies every user (E_PROXY_NAP_ACCESSDENIED)"),
    /** CHANNEL_RESPONSE E_PROXY_RAP_ACCESSDENIED: the resource authorization policy denies every target. */
    RAP_DENIED("RD RAP denies every target (E_PROXY_RAP_ACCESSDENIED)"),
    /** TUNNEL_RESPONSE E_PROXY_MAXCONNECTIONSREACHED, as with maxConnections reached. */
    MAX_CONNECTIONS("connection limit reached (E_PROXY_MAXCONNECTIONSREACHED)"),
    /** TLS completes, then no HTTP answer ever. */
    SILENT("TLS up, never answers HTTP"),
    /** Every request gets 200 text/html: a web server, not a gateway. */
    HTML("a web server: 200 text/html for every request"),
    /** Plain HTTP on the port, no TLS. */
    NOT_TLS("plain HTTP, no TLS"),
    /** 404 on /remoteDesktopGateway/; only /rpc/rpcproxy.dll answers, like a Windows Server 2008 gateway. */
    RPC_ONLY("RPC-over-HTTP only (/rpc/rpcproxy.dll), like Windows Server 2008"),
    /** A HANDSHAKE_RESPONSE cut short after 10 of its 18 bytes, then silence. */
    TRUNCATED_PACKET("HANDSHAKE_RESPONSE cut short, then silence"),
    /** A HANDSHAKE_RESPONSE whose packetLength is 0x7fffffff, then silence. */
    OVERSIZED_PACKET("HANDSHAKE_RESPONSE claiming packetLength 0x7fffffff"),
    /** TUNNEL_RESPONSE S_OK, then the gateway closes every connection. */
    CLOSE_AFTER_TUNNEL_RESPONSE("closes right after TUNNEL_RESPONSE"),
    /** A SERVICE_MESSAGE before the CHANNEL_RESPONSE. */
    SERVICE_MESSAGE("sends a SERVICE_MESSAGE before CHANNEL_RESPONSE");

    private final String description;

    GatewayFault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
