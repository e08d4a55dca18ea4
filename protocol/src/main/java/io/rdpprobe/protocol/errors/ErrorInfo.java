package io.rdpprobe.protocol.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The errorInfo code of a Set Error Info PDU (MS-RDPBCGR 2.2.5.1.1), an open record: every code of the
 * spec's table has its ERRINFO_* name and a one-line meaning; other values print as
 * {@code UNKNOWN_ERRINFO(0x..)}.
 *
 * <p>What mstsc shows: the disconnect reason 0x3 (ByServer) with the extended reason equal to this code
 * (ExtendedDisconnectReasonCode uses the same numbering, protocol-notes 7.2). When the server sends the PDU and
 * then closes the socket before the client processes the disconnect, mstsc reports 0x904 (socket closed)
 * with the same extended code; see {@link #mstscDiscReason()}.
 */
public record ErrorInfo(int value) {
    private static final Map<Integer, String[]> TABLE = new LinkedHashMap<>();

    private static void row(int code, String name, String meaning) {
        TABLE.put(code, new String[] {name, meaning});
    }

    static {
        row(0x00000000, "ERRINFO_NONE", "no error (ignore)");
        row(0x00000001, "ERRINFO_RPC_INITIATED_DISCONNECT", "admin tool in another session disconnected us");
        row(0x00000002, "ERRINFO_RPC_INITIATED_LOGOFF", "admin tool forced logoff");
        row(0x00000003, "ERRINFO_IDLE_TIMEOUT", "idle session limit elapsed");
        row(0x00000004, "ERRINFO_LOGON_TIMEOUT", "active session limit elapsed");
        row(0x00000005, "ERRINFO_DISCONNECTED_BY_OTHERCONNECTION", "another connection took over the session");
        row(0x00000006, "ERRINFO_OUT_OF_MEMORY", "server out of memory");
        row(0x00000007, "ERRINFO_SERVER_DENIED_CONNECTION", "server denied the connection");
        row(0x00000009, "ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES", "user lacks access rights");
        row(0x0000000A, "ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED", "saved credentials not accepted; must type them");
        row(0x0000000B, "ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER", "admin tool in the user's own session disconnected");
        row(0x0000000C, "ERRINFO_LOGOFF_BY_USER", "user logged off");
        row(0x0000000F, "ERRINFO_CLOSE_STACK_ON_DRIVER_NOT_READY", "display driver gave no status in time");
        row(0x00000010, "ERRINFO_SERVER_DWM_CRASH", "DWM crashed in the session");
        row(0x00000011, "ERRINFO_CLOSE_STACK_ON_DRIVER_FAILURE", "display driver failed to start");
        row(0x00000012, "ERRINFO_CLOSE_STACK_ON_DRIVER_IFACE_FAILURE", "display driver started but unusable");
        row(0x00000017, "ERRINFO_SERVER_WINLOGON_CRASH", "Winlogon crashed");
        row(0x00000018, "ERRINFO_SERVER_CSRSS_CRASH", "CSRSS crashed");
        row(0x00000019, "ERRINFO_SERVER_SHUTDOWN", "server shutting down (missing in FreeRDP/IronRDP tables; present in spec, pyrdp)");
        row(0x0000001A, "ERRINFO_SERVER_REBOOT", "server rebooting (same remark)");
        row(0x00000100, "ERRINFO_LICENSE_INTERNAL", "licensing component internal error");
        row(0x00000101, "ERRINFO_LICENSE_NO_LICENSE_SERVER", "no license server found");
        row(0x00000102, "ERRINFO_LICENSE_NO_LICENSE", "no CALs available");
        row(0x00000103, "ERRINFO_LICENSE_BAD_CLIENT_MSG", "invalid licensing message from client");
        row(0x00000104, "ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE", "stored CAL was modified");
        row(0x00000105, "ERRINFO_LICENSE_BAD_CLIENT_LICENSE", "stored CAL malformed");
        row(0x00000106, "ERRINFO_LICENSE_CANT_FINISH_PROTOCOL", "network problem aborted licensing");
        row(0x00000107, "ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL", "client ended licensing prematurely");
        row(0x00000108, "ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION", "licensing message wrongly encrypted");
        row(0x00000109, "ERRINFO_LICENSE_CANT_UPGRADE_LICENSE", "CAL could not be upgraded/renewed");
        row(0x0000010A, "ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS", "server not licensed for remote connections");
        row(0x00000400, "ERRINFO_CB_DESTINATION_NOT_FOUND", "broker: target endpoint not found");
        row(0x00000402, "ERRINFO_CB_LOADING_DESTINATION", "broker: target disconnecting from broker");
        row(0x00000404, "ERRINFO_CB_REDIRECTING_TO_DESTINATION", "broker: error while redirecting");
        row(0x00000405, "ERRINFO_CB_SESSION_ONLINE_VM_WAKE", "broker: error waking target VM");
        row(0x00000406, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT", "broker: error starting target VM");
        row(0x00000407, "ERRINFO_CB_SESSION_ONLINE_VM_NO_DNS", "broker: target VM IP not resolvable");
        row(0x00000408, "ERRINFO_CB_DESTINATION_POOL_NOT_FREE", "broker: no free endpoints in pool");
        row(0x00000409, "ERRINFO_CB_CONNECTION_CANCELLED", "broker: connection processing cancelled");
        row(0x00000410, "ERRINFO_CB_CONNECTION_ERROR_INVALID_SETTINGS", "broker: routing token settings invalid");
        row(0x00000411, "ERRINFO_CB_SESSION_ONLINE_VM_BOOT_TIMEOUT", "broker: VM start timed out");
        row(0x00000412, "ERRINFO_CB_SESSION_ONLINE_VM_SESSMON_FAILED", "broker: VM session monitoring failed");
        row(0x000010C9, "ERRINFO_UNKNOWNPDUTYPE2", "bad pduType2 in share data header");
        row(0x000010CA, "ERRINFO_UNKNOWNPDUTYPE", "bad pduType in share control header");
        row(0x000010CB, "ERRINFO_DATAPDUSEQUENCE", "out-of-sequence slow-path data PDU");
        row(0x000010CD, "ERRINFO_CONTROLPDUSEQUENCE", "out-of-sequence slow-path non-data PDU");
        row(0x000010CE, "ERRINFO_INVALIDCONTROLPDUACTION", "bad Control PDU action");
        row(0x000010CF, "ERRINFO_INVALIDINPUTPDUTYPE", "bad input event type (slow or fast path)");
        row(0x000010D0, "ERRINFO_INVALIDINPUTPDUMOUSE", "bad mouse pointerFlags");
        row(0x000010D1, "ERRINFO_INVALIDREFRESHRECTPDU", "bad Refresh Rect PDU");
        row(0x000010D2, "ERRINFO_CREATEUSERDATAFAILED", "server failed to build GCC response user data");
        row(0x000010D3, "ERRINFO_CONNECTFAILED", "channel-connection phase failed");
        row(0x000010D4, "ERRINFO_CONFIRMACTIVEWRONGSHAREID", "Confirm Active has wrong shareID");
        row(0x000010D5, "ERRINFO_CONFIRMACTIVEWRONGORIGINATOR", "Confirm Active has wrong originatorID");
        row(0x000010DA, "ERRINFO_PERSISTENTKEYPDUBADLENGTH", "Persistent Key List PDU too short");
        row(0x000010DB, "ERRINFO_PERSISTENTKEYPDUILLEGALFIRST", "second PERSIST_PDU_FIRST received");
        row(0x000010DC, "ERRINFO_PERSISTENTKEYPDUTOOMANYTOTALKEYS", "> 262144 total cache keys");
        row(0x000010DD, "ERRINFO_PERSISTENTKEYPDUTOOMANYCACHEKEYS", "too many keys for one cache");
        row(0x000010DE, "ERRINFO_INPUTPDUBADLENGTH", "input PDU too short");
        row(0x000010DF, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH", "bitmap cache error PDU too short");
        row(0x000010E0, "ERRINFO_SECURITYDATATOOSHORT", "fast-path input signature/FIPS info too short");
        row(0x000010E1, "ERRINFO_VCHANNELDATATOOSHORT", "client network data / channel PDU header too short");
        row(0x000010E2, "ERRINFO_SHAREDATATOOSHORT", "control/share/font-list data too short");
        row(0x000010E3, "ERRINFO_BADSUPPRESSOUTPUTPDU", "bad Suppress Output PDU");
        row(0x000010E5, "ERRINFO_CONFIRMACTIVEPDUTOOSHORT", "Confirm Active too short");
        row(0x000010E7, "ERRINFO_CAPABILITYSETTOOSMALL", "capset header truncated");
        row(0x000010E8, "ERRINFO_CAPABILITYSETTOOLARGE", "capset length exceeds data");
        row(0x000010E9, "ERRINFO_NOCURSORCACHE", "pointer cache sizes zero");
        row(0x000010EA, "ERRINFO_BADCAPABILITIES", "client capabilities rejected");
        row(0x000010EC, "ERRINFO_VIRTUALCHANNELDECOMPRESSIONERR", "VC bulk decompression failed");
        row(0x000010ED, "ERRINFO_INVALIDVCCOMPRESSIONTYPE", "bad VC compression type");
        row(0x000010EF, "ERRINFO_INVALIDCHANNELID", "bad MCS channel id in VC PDU");
        row(0x000010F0, "ERRINFO_VCHANNELSTOOMANY", "more than 31 static channels requested");
        row(0x000010F3, "ERRINFO_REMOTEAPPSNOTENABLED", "RemoteApp-only host; INFO_RAIL required");
        row(0x000010F4, "ERRINFO_CACHECAPNOTSET", "Persistent Key List without Rev2 bitmap cache capset");
        row(0x000010F5, "ERRINFO_BITMAPCACHEERRORPDUBADLENGTH2", "bitmap cache error PDU count mismatch");
        row(0x000010F6, "ERRINFO_OFFSCRCACHEERRORPDUBADLENGTH", "offscreen cache error PDU too short");
        row(0x000010F7, "ERRINFO_DNGCACHEERRORPDUBADLENGTH", "DrawNineGrid cache error PDU too short");
        row(0x000010F8, "ERRINFO_GDIPLUSPDUBADLENGTH", "GDI+ error PDU too short");
        row(0x00001111, "ERRINFO_SECURITYDATATOOSHORT2", "basic security header too short");
        row(0x00001112, "ERRINFO_SECURITYDATATOOSHORT3", "non-FIPS/FIPS security header too short");
        row(0x00001113, "ERRINFO_SECURITYDATATOOSHORT4", "Security Exchange header/length too short");
        row(0x00001114, "ERRINFO_SECURITYDATATOOSHORT5", "Info Packet fixed+string fields too short");
        row(0x00001115, "ERRINFO_SECURITYDATATOOSHORT6", "Info Packet fixed fields too short");
        row(0x00001116, "ERRINFO_SECURITYDATATOOSHORT7", "ext. info: address family/length too short");
        row(0x00001117, "ERRINFO_SECURITYDATATOOSHORT8", "ext. info: clientAddress too short");
        row(0x00001118, "ERRINFO_SECURITYDATATOOSHORT9", "ext. info: cbClientDir missing");
        row(0x00001119, "ERRINFO_SECURITYDATATOOSHORT10", "ext. info: clientDir too short");
        row(0x0000111A, "ERRINFO_SECURITYDATATOOSHORT11", "ext. info: clientTimeZone too short");
        row(0x0000111B, "ERRINFO_SECURITYDATATOOSHORT12", "ext. info: clientSessionId too short");
        row(0x0000111C, "ERRINFO_SECURITYDATATOOSHORT13", "ext. info: performanceFlags too short");
        row(0x0000111D, "ERRINFO_SECURITYDATATOOSHORT14", "ext. info: cbAutoReconnectCookie too short");
        row(0x0000111E, "ERRINFO_SECURITYDATATOOSHORT15", "ext. info: autoReconnectCookie too short");
        row(0x0000111F, "ERRINFO_SECURITYDATATOOSHORT16", "cbAutoReconnectCookie > 128");
        row(0x00001120, "ERRINFO_SECURITYDATATOOSHORT17", "(second set) address family/length too short");
        row(0x00001121, "ERRINFO_SECURITYDATATOOSHORT18", "clientAddress too short");
        row(0x00001122, "ERRINFO_SECURITYDATATOOSHORT19", "cbClientDir missing");
        row(0x00001123, "ERRINFO_SECURITYDATATOOSHORT20", "clientDir too short");
        row(0x00001124, "ERRINFO_SECURITYDATATOOSHORT21", "clientTimeZone too short");
        row(0x00001125, "ERRINFO_SECURITYDATATOOSHORT22", "clientSessionId too short");
        row(0x00001126, "ERRINFO_SECURITYDATATOOSHORT23", "Client Info PDU data too short");
        row(0x00001129, "ERRINFO_BADMONITORDATA", "fewer TS_MONITOR_DEF than monitorCount");
        row(0x0000112A, "ERRINFO_VCDECOMPRESSEDREASSEMBLEFAILED", "VC decompressed data exceeds chunk size");
        row(0x0000112B, "ERRINFO_VCDATATOOLONG", "VC PDU exceeds chunk size");
        row(0x0000112C, "ERRINFO_BAD_FRAME_ACK_DATA", "Frame Acknowledge PDU too short");
        row(0x0000112D, "ERRINFO_GRAPHICS_MODE_NOT_SUPPORTED", "requested graphics mode unsupported");
        row(0x0000112E, "ERRINFO_GRAPHICS_SUBSYSTEM_RESET_FAILED", "server graphics reset failed");
        row(0x0000112F, "ERRINFO_GRAPHICS_SUBSYSTEM_FAILED", "server graphics in error state");
        row(0x00001130, "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_SHORT", "cbDynamicDSTTimeZoneKeyName missing");
        row(0x00001131, "ERRINFO_TIMEZONE_KEY_NAME_LENGTH_TOO_LONG", "dynamic DST key name too long");
        row(0x00001132, "ERRINFO_DYNAMIC_DST_DISABLED_FIELD_MISSING", "dynamicDaylightTimeDisabled missing");
        row(0x00001133, "ERRINFO_VC_DECODING_ERROR", "dynamic VC processing error");
        row(0x00001134, "ERRINFO_VIRTUALDESKTOPTOOLARGE", "virtual desktop > 32766 px");
        row(0x00001135, "ERRINFO_MONITORGEOMETRYVALIDATIONFAILED", "invalid monitor geometry");
        row(0x00001136, "ERRINFO_INVALIDMONITORCOUNT", "monitorCount too large");
        row(0x00001191, "ERRINFO_UPDATESESSIONKEYFAILED", "Standard security key update failed");
        row(0x00001192, "ERRINFO_DECRYPTFAILED", "Standard security decryption / key creation failed");
        row(0x00001193, "ERRINFO_ENCRYPTFAILED", "Standard security encryption failed");
        row(0x00001194, "ERRINFO_ENCPKGMISMATCH", "no usable method in client encryptionMethods");
        row(0x00001195, "ERRINFO_DECRYPTFAILED2", "unencrypted data where encryption required");
    }

    public static final ErrorInfo NONE = new ErrorInfo(0x00000000);
    public static final ErrorInfo RPC_INITIATED_DISCONNECT = new ErrorInfo(0x00000001);
    public static final ErrorInfo IDLE_TIMEOUT = new ErrorInfo(0x00000003);
    public static final ErrorInfo LOGON_TIMEOUT = new ErrorInfo(0x00000004);
    public static final ErrorInfo DISCONNECTED_BY_OTHERCONNECTION = new ErrorInfo(0x00000005);
    public static final ErrorInfo SERVER_DENIED_CONNECTION = new ErrorInfo(0x00000007);
    public static final ErrorInfo SERVER_INSUFFICIENT_PRIVILEGES = new ErrorInfo(0x00000009);
    public static final ErrorInfo SERVER_FRESH_CREDENTIALS_REQUIRED = new ErrorInfo(0x0000000A);
    public static final ErrorInfo LICENSE_NO_LICENSE_SERVER = new ErrorInfo(0x00000101);
    public static final ErrorInfo LICENSE_NO_LICENSE = new ErrorInfo(0x00000102);
    public static final ErrorInfo LICENSE_NO_REMOTE_CONNECTIONS = new ErrorInfo(0x0000010A);
    public static final ErrorInfo ENCPKGMISMATCH = new ErrorInfo(0x00001194);
    /** ExtendedDisconnectReasonCode 8 (ServerDeniedConnectionFips): not in the MS-RDPBCGR ERRINFO table. */
    public static final int EX_DISC_SERVER_DENIED_CONNECTION_FIPS = 8;
    /** mstsc discReason 0x3: ByServer. */
    public static final int DISC_REASON_BY_SERVER = 0x3;

    /** The spec name, e.g. {@code ERRINFO_SERVER_DENIED_CONNECTION}, or {@code UNKNOWN_ERRINFO(0x..)}. */
    public String name() {
        String[] r = TABLE.get(value);
        return r != null ? r[0] : String.format("UNKNOWN_ERRINFO(0x%08X)", value);
    }

    public String meaning() {
        String[] r = TABLE.get(value);
        if (r != null) return r[1];
        if (value == EX_DISC_SERVER_DENIED_CONNECTION_FIPS) return "server denied the connection (FIPS), per ExtendedDisconnectReasonCode";
        if (value >= 0x1000 && value <= 0x7FFF) return "an RDP protocol error code the table does not list";
        return "an errorInfo value outside MS-RDPBCGR 2.2.5.1.1";
    }

    public boolean isKnown() {
        return TABLE.containsKey(value);
    }

    /** Whether this is ERRINFO_NONE (the server says nothing went wrong). */
    public boolean isNone() {
        return value == 0;
    }

    /** The licensing range 0x100..0x10A. */
    public boolean isLicensing() {
        return value >= 0x100 && value <= 0x10A;
    }

    /** The connection broker range 0x400..0x412. */
    public boolean isBroker() {
        return value >= 0x400 && value <= 0x412;
    }

    /** The RDP protocol range (0x10C9..0x1195: the server disliked something the client sent). */
    public boolean isProtocol() {
        return value >= 0x1000 && value <= 0x7FFF;
    }

    /** discReason mstsc shows when it processed the server's disconnect: 0x3 (ByServer). */
    public int mstscDiscReason() {
        return DISC_REASON_BY_SERVER;
    }

    /** Extended reason mstsc shows: the same number (ExtendedDisconnectReasonCode). */
    public int mstscExtendedReason() {
        return value;
    }

    /** Every code of the spec table, in table order. */
    public static Map<Integer, String> names() {
        Map<Integer, String> m = new LinkedHashMap<>();
        TABLE.forEach((k, v) -> m.put(k, v[0]));
        return Collections.unmodifiableMap(m);
    }

    /** Looks a code up by its name (with or without the ERRINFO_ prefix). */
    public static java.util.Optional<ErrorInfo> byName(String name) {
        String n = name.startsWith("ERRINFO_") ? name : "ERRINFO_" + name;
        for (var e : TABLE.entrySet()) {
            if (e.getValue()[0].equals(n)) return java.util.Optional.of(new ErrorInfo(e.getKey()));
        }
        return java.util.Optional.empty();
    }

    @Override
    public String toString() {
        return String.format("%s (0x%08X)", name(), value);
    }
}
