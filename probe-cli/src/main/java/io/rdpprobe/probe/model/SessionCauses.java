package io.rdpprobe.probe.model;

import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.licensing.LicenseErrorCode;
import io.rdpprobe.protocol.licensing.StateTransition;
import io.rdpprobe.protocol.mcs.McsResult;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the MCS, SECURITY_EXCHANGE, LICENSING and ACTIVATION stages. Server-supplied codes keep their
 * spec names: {@code ERRINFO_*} (MS-RDPBCGR 2.2.5.1.1) and {@code LICENSE_ERR_*} (MS-RDPELE 2.2.2.8 dwErrorCode
 * with a LICENSE_ prefix). Client error pairs follow protocol-notes 7.1/7.2: a Set Error Info PDU followed by
 * the server closing the socket is what mstsc shows as 0x904 with the ERRINFO value as extended reason.
 */
public final class SessionCauses {
    private SessionCauses() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    /** mstsc discReason 0x3 ByServer. */
    public static final int DISC_BY_SERVER = 0x3;
    /** mstsc discReason 0x904 socket closed. */
    public static final int DISC_SOCKET_CLOSED = 0x904;

    // ---- MCS ------------------------------------------------------------------------------------------
    public static final Cause MCS_CONNECT_REJECTED = def("MCS_CONNECT_REJECTED",
            "the server rejected the MCS Connect-Initial",
            "the server refused the conference; rt-user-rejected usually means the "
                    + "listener refused this client's settings or security; check the server's RdpCoreTS event log",
            ClientError.of(DISC_SOCKET_CLOSED));
    public static final Cause GCC_CONFERENCE_REJECTED = def("GCC_CONFERENCE_REJECTED",
            "the server's GCC Conference Create Response carries a failure result",
            "the server refused the client's GCC user data; check the event log of the RDP listener", ClientError.of(DISC_SOCKET_CLOSED));
    public static final Cause ATTACH_USER_FAILED = def("ATTACH_USER_FAILED",
            "the server refused the MCS Attach User Request",
            "the MCS domain refused a user (too many users?); restart the session host service or check its limits",
            ClientError.of(DISC_SOCKET_CLOSED));
    public static final Cause CHANNEL_JOIN_FAILED = def("CHANNEL_JOIN_FAILED",
            "the server refused an MCS Channel Join Request",
            "a virtual channel was refused; check channel redirection policies on the server (the channel is in the evidence)",
            ClientError.of(DISC_SOCKET_CLOSED));
    public static final Cause ENCRYPTION_METHOD_NOT_OFFERED = def("ENCRYPTION_METHOD_NOT_OFFERED",
            "the server selected an encryption method the client did not offer",
            "the server's encryption level needs a method this client did not offer (FIPS?); compare with --enumerate",
            ClientError.of(0x506));
    public static final Cause SERVER_SECURITY_DATA_INVALID = def("SERVER_SECURITY_DATA_INVALID",
            "Standard RDP Security was selected but the server sent no usable random or certificate",
            "the server's RDP security configuration is broken; check its certificate store (the RDP certificate) "
                    + "or switch the listener to TLS", ClientError.of(0x606));
    public static final Cause SERVER_CERTIFICATE_UNPACK_ERROR = def("SERVER_CERTIFICATE_UNPACK_ERROR",
            "the server's Standard RDP Security certificate could not be unpacked",
            "the certificate in the server security data is malformed; regenerate it (delete the RDP certificate "
                    + "and restart TermService) or use TLS", ClientError.of(0x706));

    // ---- SECURITY_EXCHANGE ---------------------------------------------------------------------------
    public static final Cause SESSION_KEY_MISMATCH = def("SESSION_KEY_MISMATCH",
            "the server's first encrypted PDU failed its MAC check: the session keys do not match",
            "the server could not use our client random (or something altered the traffic); capture with --capture "
                    + "and compare; consider TLS instead of Standard RDP Security", ClientError.of(0xC06));

    // ---- LICENSING ------------------------------------------------------------------------------------
    public static final Cause LICENSING_SERVER_REQUIRED = def("LICENSING_SERVER_REQUIRED",
            "the server started the full licensing exchange (License Request / Platform Challenge): a licensing "
                    + "server is required and the probe does not obtain a CAL",
            "the host is an RD Session Host that issues or checks client access licenses; make sure it can reach its "
                    + "RD Licensing server (RD Licensing Diagnoser) and has CALs; a real client would continue here",
            ClientError.of(0x808));
    public static final Cause LICENSE_ERR_INVALID_SERVER_CERTIFICATE = license("ERR_INVALID_SERVER_CERTIFICATE",
            "the licensing server certificate was rejected",
            "the RD Licensing certificate is damaged; reactivate the license server");
    public static final Cause LICENSE_ERR_NO_LICENSE = license("ERR_NO_LICENSE",
            "no client access license is available", "install or free RDS CALs on the license server");
    public static final Cause LICENSE_ERR_INVALID_MAC = license("ERR_INVALID_MAC",
            "a licensing message failed its MAC check", "capture the exchange; a middlebox may alter traffic");
    public static final Cause LICENSE_ERR_INVALID_SCOPE = license("ERR_INVALID_SCOPE",
            "the license scope is invalid", "check the license server's scope/domain configuration");
    public static final Cause LICENSE_ERR_NO_LICENSE_SERVER = license("ERR_NO_LICENSE_SERVER",
            "the session host could not reach a license server",
            "configure the RD Licensing server on the host (gpedit: Use the specified RD license servers) and check "
                    + "that it is reachable and activated; the grace period may have expired");
    public static final Cause LICENSE_ERR_INVALID_CLIENT = license("ERR_INVALID_CLIENT",
            "the license server considers the client invalid", "check the licensing mode (per user / per device)");
    public static final Cause LICENSE_ERR_INVALID_PRODUCTID = license("ERR_INVALID_PRODUCTID",
            "the licensing product id is invalid", "check the license server's installed CAL packs");
    public static final Cause LICENSE_ERR_INVALID_MESSAGE_LEN = license("ERR_INVALID_MESSAGE_LEN",
            "a licensing message had an invalid length", "capture the exchange with --capture");
    public static final Cause LICENSE_ERR_UNKNOWN = def("LICENSE_ERR_UNKNOWN",
            "the server sent a licensing error outside MS-RDPELE 2.2.2.8",
            "the code is in the evidence; compare with a Windows client", ClientError.of(0x808));

    private static Cause license(String spec, String title, String remedy) {
        return def("LICENSE_" + spec, title, remedy, ClientError.of(0x808));
    }

    // ---- disconnects --------------------------------------------------------------------------------
    /**
     * The server ended the connection during MCS ... ACTIVATION without a Set Error Info: with an MCS Disconnect
     * Provider Ultimatum, a close, or both (one event; see {@code ServerDisconnect}). No client code: mstsc's depends
     * on whether it reads the Ultimatum before the close.
     */
    public static final Cause SERVER_DISCONNECTED = def("SERVER_DISCONNECTED",
            "the server ended the connection (MCS Disconnect Provider Ultimatum and/or close) without a Set Error Info",
            "the server gave no reason; look at its log (Windows: TerminalServices-RemoteConnectionManager, RdpCoreTS; "
                    + "xrdp: xrdp.log, which names e.g. a security layer the client did not use)", null);
    public static final Cause SERVER_REDIRECTION = def("SERVER_REDIRECTION",
            "the server (a connection broker) redirected the client to another host",
            "the farm's broker sends clients to a session host; probe the host named in a capture or the broker's "
                    + "target directly", null);
    public static final Cause ERRINFO_UNKNOWN = def("ERRINFO_UNKNOWN",
            "the server sent a Set Error Info code outside MS-RDPBCGR 2.2.5.1.1 and disconnected",
            "the code is in the evidence; look it up with MsTscAx GetErrorDescription", ClientError.of(DISC_SOCKET_CLOSED));

    /** The cause for an MCS Connect-Response result, titled with its T.125 name. */
    public static Cause mcsRejected(McsResult r) {
        return new Cause(MCS_CONNECT_REJECTED.code(), "the server rejected the MCS Connect-Initial with " + r.name()
                + " (" + r.meaning() + ")", MCS_CONNECT_REJECTED.remedy().replace("the server refused the conference;",
                "the server refused the conference with " + r.name() + ";"), MCS_CONNECT_REJECTED.clientError());
    }

    /** The cause for a licensing error code. */
    public static Cause forLicenseError(LicenseErrorCode code, StateTransition st) {
        Cause base = switch (code.value()) {
            case 0x01 -> LICENSE_ERR_INVALID_SERVER_CERTIFICATE;
            case 0x02 -> LICENSE_ERR_NO_LICENSE;
            case 0x03 -> LICENSE_ERR_INVALID_MAC;
            case 0x04 -> LICENSE_ERR_INVALID_SCOPE;
            case 0x06 -> LICENSE_ERR_NO_LICENSE_SERVER;
            case 0x08 -> LICENSE_ERR_INVALID_CLIENT;
            case 0x0B -> LICENSE_ERR_INVALID_PRODUCTID;
            case 0x0C -> LICENSE_ERR_INVALID_MESSAGE_LEN;
            default -> LICENSE_ERR_UNKNOWN;
        };
        return new Cause(base.code(), base.title() + " (" + code.name() + ", " + st.name() + ")", base.remedy(),
                base.clientError());
    }

    /**
     * The cause for a server ERRINFO code. {@code socketClosed}: the server closed the TCP connection after the
     * Set Error Info PDU (mstsc: 0x904 + extended code); otherwise it sent a Disconnect Provider Ultimatum (0x3).
     */
    public static Cause forErrorInfo(ErrorInfo info, boolean socketClosed) {
        ClientError ce = ClientError.of(socketClosed ? DISC_SOCKET_CLOSED : DISC_BY_SERVER, info.value());
        if (!info.isKnown()) {
            return new Cause(ERRINFO_UNKNOWN.code(), ERRINFO_UNKNOWN.title() + String.format(" (0x%08X)", info.value()),
                    ERRINFO_UNKNOWN.remedy(), ce);
        }
        return new Cause(info.name(), "the server reported " + info.name() + ": " + info.meaning(), errInfoRemedy(info), ce);
    }

    static String errInfoRemedy(ErrorInfo e) {
        return switch (e.value()) {
            case 0x7 -> "the server refused the connection: check that the user/group may log on through Remote Desktop "
                    + "Services, the RDP-Tcp listener's permissions, the session limit (only one session allowed?), and the "
                    + "server's event log (TerminalServices-RemoteConnectionManager)";
            case 0x9 -> "grant the user the 'Allow log on through Remote Desktop Services' right or add them to Remote Desktop Users";
            case 0xA -> "the server requires typed credentials: turn off saved credentials or enable credential delegation";
            case 0x5 -> "another client connected to the same session and took it over";
            case 0x3, 0x4 -> "a session time limit ran out (Session Time Limits policy)";
            case 0x19, 0x1A -> "the server is shutting down or rebooting; try again later";
            case 0x1194 -> "the server requires an encryption method this client did not offer (FIPS?); use --enumerate";
            case 0x1192, 0x1191, 0x1193, 0x1195 -> "Standard RDP Security failed on the server; prefer TLS (SecurityLayer=2)";
            default -> {
                if (e.isLicensing()) {
                    yield "licensing failed on the server: run RD Licensing Diagnoser on the session host and check the "
                            + "license server, its activation and the CALs";
                }
                if (e.isBroker()) {
                    yield "the connection broker could not place the session: check the broker, the collection and its hosts";
                }
                if (e.isProtocol()) {
                    yield "the server rejected something the client sent (a protocol error); capture with --capture";
                }
                yield "see the meaning above and the server's event log";
            }
        };
    }

    public static Map<String, Cause> all() {
        return java.util.Collections.unmodifiableMap(ALL);
    }
}
