package io.rdpprobe.probe.model;

import io.rdpprobe.protocol.x224.FailureCode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the DNS, TCP and X224 stages. The RDP_NEG_FAILURE causes carry their MS-RDPBCGR 2.2.1.2.2
 * names. Client error codes are mstsc's discReason values (learn.microsoft.com, IMsTscAxEvents).
 */
public final class Causes {
    private Causes() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    // ---- DNS / TCP ------------------------------------------------------------------------------------
    public static final Cause DNS_NOT_FOUND = def("DNS_NOT_FOUND", "the host name does not resolve",
            "check the name, the DNS suffix search list and the resolver; try the IP address", ClientError.of(0x104));
    public static final Cause CONNECTION_REFUSED = def("CONNECTION_REFUSED",
            "the host answered the TCP SYN with a reset: nothing listens on that port",
            "check that Remote Desktop is enabled and listening on this port (netstat -an | findstr PORT), "
                    + "and that no firewall rejects the port", ClientError.of(0x204));
    public static final Cause CONNECT_TIMEOUT = def("CONNECT_TIMEOUT",
            "no answer to the TCP SYN before the deadline: the packets are dropped on the way or the host is down",
            "check the host is up, that a firewall or security group allows the port, and the route to it",
            ClientError.of(0x204));
    public static final Cause HOST_UNREACHABLE = def("HOST_UNREACHABLE",
            "the network reported the host or network unreachable",
            "check routing, VPN and the address; an ICMP unreachable came back", ClientError.of(0x204));

    // ---- X224 -----------------------------------------------------------------------------------------
    public static final Cause NO_RESPONSE = def("NO_RESPONSE",
            "the server accepted TCP but sent nothing before the deadline",
            "the port may belong to something that is not an RDP server, or the RDP service is hung; "
                    + "restart the Remote Desktop Services service (TermService) or check what owns the port",
            ClientError.of(0x108));
    public static final Cause SERVER_STALLED = def("SERVER_STALLED",
            "the server stopped answering part-way through the connection sequence",
            "the RDP service got this far and then hung: check the server's event log (RemoteDesktopServices-RdpCoreTS, "
                    + "TerminalServices-LocalSessionManager), its licensing server reachability and load; capture with --capture",
            ClientError.of(0x108));
    public static final Cause PROBE_INTERNAL_ERROR = def("PROBE_INTERNAL_ERROR",
            "rdp-probe itself failed while handling the server's reply (a bug in the probe, not a server fault)",
            "re-run with --capture and report the capture and this output; the evidence names the exception", null);
    public static final Cause TRUNCATED_RESPONSE = def("TRUNCATED_RESPONSE",
            "the server sent part of a PDU and then nothing more before the deadline",
            "a middlebox may be cutting packets (path MTU), or the service is hung; capture with --capture",
            ClientError.of(0x108));
    public static final Cause NOT_RDP = def("NOT_RDP",
            "the server answered with something that is not RDP",
            "the port belongs to another service; check the port number and any port forwarding",
            ClientError.of(0x904));
    public static final Cause CONNECTION_CLOSED = def("CONNECTION_CLOSED",
            "the server closed the connection",
            "look at the server's event log (TerminalServices-*, RemoteDesktopServices-RdpCoreTS) for why it refused",
            ClientError.of(0x904));
    public static final Cause CONNECTION_RESET = def("CONNECTION_RESET",
            "the connection was reset (TCP RST)",
            "a firewall or IPS may be resetting RDP, or the server aborted; compare with a capture",
            ClientError.of(0x904));
    public static final Cause MALFORMED_RESPONSE = def("MALFORMED_RESPONSE",
            "the server's reply breaks the protocol's framing or field rules",
            "the server or a middlebox is not speaking RDP correctly; capture the exchange with --capture",
            ClientError.of(0x904));
    public static final Cause X224_DISCONNECT = def("X224_DISCONNECT",
            "the server refused with an X.224 Disconnect Request",
            "the server's RDP listener refused the connection; check its event log", ClientError.of(0x904));
    public static final Cause X224_ERROR = def("X224_ERROR",
            "the server sent an X.224 TPDU Error: it could not parse the Connection Request",
            "the server may not support this request; try --protocols rdp or a legacy request", ClientError.of(0x904));
    public static final Cause PROTOCOL_NOT_REQUESTED = def("PROTOCOL_NOT_REQUESTED",
            "the server selected a protocol the probe did not request",
            "the server ignores the client's request; check its security layer setting (SecurityLayer / security_layer)",
            null);
    public static final Cause NEGOTIATION_IGNORED = def("NEGOTIATION_IGNORED",
            "the server answered with a bare Connection Confirm: it ignored RDP_NEG_REQ and uses Standard RDP Security",
            "this is a pre-Vista style server or one set to Standard RDP Security only; prefer TLS/NLA on the server",
            null);

    // RDP_NEG_FAILURE (2.2.1.2.2) ------------------------------------------------------------------------
    public static final Cause SSL_REQUIRED_BY_SERVER = def("SSL_REQUIRED_BY_SERVER",
            "the server requires TLS (Enhanced RDP Security), which was not requested or not accepted",
            "request SSL (--protocols ssl,hybrid); on the client allow TLS. If only HYBRID was requested, the server has NLA off",
            ClientError.of(0x904));
    public static final Cause SSL_NOT_ALLOWED_BY_SERVER = def("SSL_NOT_ALLOWED_BY_SERVER",
            "the server allows only Standard RDP Security: TLS and NLA are off",
            "set the server's security layer to Negotiate or SSL (gpedit: Require use of specific security layer), "
                    + "or connect with --protocols rdp", ClientError.of(0x904));
    public static final Cause SSL_CERT_NOT_ON_SERVER = def("SSL_CERT_NOT_ON_SERVER",
            "the server cannot do TLS: it has no usable certificate",
            "check the RDP certificate (Remote Desktop store, SSLCertificateSHA1Hash) and its private key permissions, "
                    + "or delete it so the server regenerates a self-signed one", ClientError.of(0x904));
    public static final Cause INCONSISTENT_FLAGS = def("INCONSISTENT_FLAGS",
            "the server says the requested protocols conflict with the security already in effect",
            "the request mixes protocols with a pre-established external security layer; request only what the server expects",
            ClientError.of(0x904));
    public static final Cause HYBRID_REQUIRED_BY_SERVER = def("HYBRID_REQUIRED_BY_SERVER",
            "the server requires Network Level Authentication (CredSSP), which was not requested",
            "NLA required: connect with NLA (--protocols ssl,hybrid and credentials), or turn off "
                    + "'Require user authentication with Network Level Authentication' on the server", ClientError.of(0xB09));
    public static final Cause SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = def("SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
            "the server requires TLS with client certificate authentication",
            "the client needs a certificate the server trusts; this is unusual, check the server's RDP listener policy",
            ClientError.of(0x904));
    public static final Cause UNKNOWN_FAILURE_CODE = def("UNKNOWN_FAILURE_CODE",
            "the server refused negotiation with a failure code outside MS-RDPBCGR 2.2.1.2.2",
            "compare with a Windows client's behaviour; the code is in the evidence", ClientError.of(0x904));

    /** The cause for an RDP_NEG_FAILURE code. */
    public static Cause forFailureCode(FailureCode code) {
        return switch (code.value()) {
            case 1 -> SSL_REQUIRED_BY_SERVER;
            case 2 -> SSL_NOT_ALLOWED_BY_SERVER;
            case 3 -> SSL_CERT_NOT_ON_SERVER;
            case 4 -> INCONSISTENT_FLAGS;
            case 5 -> HYBRID_REQUIRED_BY_SERVER;
            case 6 -> SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER;
            default -> UNKNOWN_FAILURE_CODE;
        };
    }

    /** Every cause defined here, by code. */
    public static Map<String, Cause> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }
}
