package io.rdpprobe.protocol.rdg;

/**
 * An HRESULT or Win32 code in an RDG packet (MS-TSGU 2.2.6.1 and 2.2.6.2). An open enum: unknown values
 * keep their number. Gateways write some codes as a full HRESULT (0x800759DA) and others as the bare Win32
 * code (0x000059DD); {@link #name()} matches both forms.
 */
public record RdgStatus(long value) {
    public static final RdgStatus S_OK = new RdgStatus(0);
    public static final RdgStatus ERROR_ACCESS_DENIED = new RdgStatus(0x5);
    public static final RdgStatus E_PROXY_INTERNALERROR = new RdgStatus(0x800759D8L);
    public static final RdgStatus E_PROXY_RAP_ACCESSDENIED = new RdgStatus(0x800759DAL);
    public static final RdgStatus E_PROXY_NAP_ACCESSDENIED = new RdgStatus(0x800759DBL);
    public static final RdgStatus E_PROXY_TS_CONNECTFAILED = new RdgStatus(0x800759DDL);
    public static final RdgStatus E_PROXY_ALREADYDISCONNECTED = new RdgStatus(0x800759DFL);
    public static final RdgStatus E_PROXY_MAXCONNECTIONSREACHED = new RdgStatus(0x000059E6L);
    public static final RdgStatus E_PROXY_NOTSUPPORTED = new RdgStatus(0x000059E8L);
    public static final RdgStatus E_PROXY_CAPABILITYMISMATCH = new RdgStatus(0x800759E9L);
    public static final RdgStatus E_PROXY_QUARANTINE_ACCESSDENIED = new RdgStatus(0x800759EDL);
    public static final RdgStatus E_PROXY_NOCERTAVAILABLE = new RdgStatus(0x800759EEL);
    public static final RdgStatus E_PROXY_SESSIONTIMEOUT = new RdgStatus(0x000059F6L);
    public static final RdgStatus E_PROXY_COOKIE_BADPACKET = new RdgStatus(0x800759F7L);
    public static final RdgStatus E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED = new RdgStatus(0x800759F8L);
    public static final RdgStatus E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD = new RdgStatus(0x800759F9L);
    public static final RdgStatus E_PROXY_REAUTH_AUTHN_FAILED = new RdgStatus(0x000059FAL);
    public static final RdgStatus E_PROXY_REAUTH_CAP_FAILED = new RdgStatus(0x000059FBL);
    public static final RdgStatus E_PROXY_REAUTH_RAP_FAILED = new RdgStatus(0x000059FCL);
    public static final RdgStatus E_PROXY_SDR_NOT_SUPPORTED_BY_TS = new RdgStatus(0x000059FDL);
    public static final RdgStatus E_PROXY_REAUTH_NAP_FAILED = new RdgStatus(0x00005A00L);
    public static final RdgStatus E_PROXY_CONNECTIONABORTED = new RdgStatus(0x000004D4L);
    public static final RdgStatus ERROR_GRACEFUL_DISCONNECT = new RdgStatus(0x000004CAL);
    public static final RdgStatus ERROR_BAD_ARGUMENTS = new RdgStatus(0x000000A0L);
    public static final RdgStatus SEC_E_LOGON_DENIED = new RdgStatus(0x8009030CL);
    public static final RdgStatus ERROR_OPERATION_ABORTED = new RdgStatus(0x000003E3L);

    public RdgStatus {
        value &= 0xFFFFFFFFL;
    }

    public boolean isSuccess() {
        return value == 0;
    }

    /** The Win32 code: the low 16 bits of a FACILITY_WIN32 HRESULT, else the value itself. */
    private long code() {
        return (value & 0xFFFF0000L) == 0x80070000L ? value & 0xFFFF : value;
    }

    /** The MS-TSGU 2.2.6 name, or {@code UNKNOWN_HRESULT(0x........)}. */
    public String name() {
        if (value == 0x8009030CL) {
            return "SEC_E_LOGON_DENIED";
        }
        return switch ((int) code()) {
            case 0x0 -> "S_OK";
            case 0x5 -> "ERROR_ACCESS_DENIED";
            case 0x57 -> "ERROR_INVALID_PARAMETER";
            case 0xA0 -> "ERROR_BAD_ARGUMENTS";
            case 0x3E3 -> "ERROR_OPERATION_ABORTED";
            case 0x4CA -> "ERROR_GRACEFUL_DISCONNECT";
            case 0x4D4 -> "E_PROXY_CONNECTIONABORTED";
            case 0x4E3 -> "ERROR_ONLY_IF_CONNECTED";
            case 0x71A -> "RPC_S_CALL_CANCELLED";
            case 0x59D8 -> "E_PROXY_INTERNALERROR";
            case 0x59DA -> "E_PROXY_RAP_ACCESSDENIED";
            case 0x59DB -> "E_PROXY_NAP_ACCESSDENIED";
            case 0x59DD -> "E_PROXY_TS_CONNECTFAILED";
            case 0x59DF -> "E_PROXY_ALREADYDISCONNECTED";
            case 0x59E6 -> "E_PROXY_MAXCONNECTIONSREACHED";
            case 0x59E8 -> "E_PROXY_NOTSUPPORTED";
            case 0x59E9 -> "E_PROXY_CAPABILITYMISMATCH";
            case 0x59ED -> "E_PROXY_QUARANTINE_ACCESSDENIED";
            case 0x59EE -> "E_PROXY_NOCERTAVAILABLE";
            case 0x59F6 -> "E_PROXY_SESSIONTIMEOUT";
            case 0x59F7 -> "E_PROXY_COOKIE_BADPACKET";
            case 0x59F8 -> "E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED";
            case 0x59F9 -> "E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD";
            case 0x59FA -> "E_PROXY_REAUTH_AUTHN_FAILED";
            case 0x59FB -> "E_PROXY_REAUTH_CAP_FAILED";
            case 0x59FC -> "E_PROXY_REAUTH_RAP_FAILED";
            case 0x59FD -> "E_PROXY_SDR_NOT_SUPPORTED_BY_TS";
            case 0x5A00 -> "E_PROXY_REAUTH_NAP_FAILED";
            default -> String.format("UNKNOWN_HRESULT(0x%08x)", value);
        };
    }

    public boolean isKnown() {
        return !name().startsWith("UNKNOWN_");
    }

    /** What the code means, in one line (MS-TSGU 2.2.6). */
    public String meaning() {
        return switch (name()) {
            case "S_OK" -> "success";
            case "ERROR_ACCESS_DENIED" -> "the gateway does not allow this operation in the tunnel's state";
            case "ERROR_INVALID_PARAMETER" -> "the gateway rejected a parameter";
            case "ERROR_BAD_ARGUMENTS" -> "the target server closed its connection to the gateway unexpectedly";
            case "ERROR_OPERATION_ABORTED" -> "the gateway's connection timer expired";
            case "ERROR_GRACEFUL_DISCONNECT" -> "the connection was closed normally";
            case "E_PROXY_CONNECTIONABORTED" -> "the gateway ended the connection (an administrator, a session timeout or a failed re-authentication)";
            case "E_PROXY_INTERNALERROR" -> "the gateway hit an unexpected internal error";
            case "E_PROXY_RAP_ACCESSDENIED" -> "the gateway's resource authorization policy (RD RAP) does not allow this user to reach this target and port";
            case "E_PROXY_NAP_ACCESSDENIED" -> "the gateway's connection authorization policy (RD CAP) does not allow this user or computer";
            case "E_PROXY_TS_CONNECTFAILED" -> "the gateway could not connect to the target server";
            case "E_PROXY_ALREADYDISCONNECTED" -> "the tunnel or channel was already disconnected";
            case "E_PROXY_MAXCONNECTIONSREACHED" -> "the gateway has reached its maximum number of connections";
            case "E_PROXY_NOTSUPPORTED" -> "the gateway received a packet it does not support";
            case "E_PROXY_CAPABILITYMISMATCH" -> "the gateway requires a capability (consent signing) that the client does not offer";
            case "E_PROXY_QUARANTINE_ACCESSDENIED" -> "the gateway's health (NAP/SoH) policy rejected the client";
            case "E_PROXY_NOCERTAVAILABLE" -> "the gateway has no server certificate configured";
            case "E_PROXY_SESSIONTIMEOUT" -> "the gateway's session timeout expired";
            case "E_PROXY_COOKIE_BADPACKET" -> "the PAA cookie (access token) is malformed";
            case "E_PROXY_COOKIE_AUTHENTICATION_ACCESS_DENIED" -> "the PAA cookie (access token) was rejected";
            case "E_PROXY_UNSUPPORTED_AUTHENTICATION_METHOD" -> "the gateway expects a different authentication mode (PAA cookie vs Windows authentication)";
            case "E_PROXY_REAUTH_AUTHN_FAILED" -> "re-authentication failed: the credentials are no longer valid";
            case "E_PROXY_REAUTH_CAP_FAILED" -> "re-authentication failed: the RD CAP no longer allows the user";
            case "E_PROXY_REAUTH_RAP_FAILED" -> "re-authentication failed: the RD RAP no longer allows the target";
            case "E_PROXY_SDR_NOT_SUPPORTED_BY_TS" -> "the gateway requires the target to enforce its policies and the target cannot";
            case "E_PROXY_REAUTH_NAP_FAILED" -> "re-authentication failed: the client's health is no longer compliant";
            case "SEC_E_LOGON_DENIED" -> "the gateway rejected the credentials";
            case "ERROR_ONLY_IF_CONNECTED" -> "a send before the channel was created";
            case "RPC_S_CALL_CANCELLED" -> "the call was cancelled";
            default -> "a code outside MS-TSGU 2.2.6";
        };
    }

    @Override
    public String toString() {
        return String.format("%s (0x%08x)", name(), value);
    }
}
