package io.rdpprobe.protocol.credssp;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An NTSTATUS value as carried in TSRequest.errorCode (MS-CSSP 2.2.1; names from MS-ERREF 2.3). Open:
 * unknown values print as {@code UNKNOWN(0x........)}. The table is protocol-notes 4.4.
 */
public record NtStatus(int value) {
    private record Entry(String name, String meaning) {}

    private static final Map<Integer, Entry> TABLE = new LinkedHashMap<>();

    private static NtStatus def(int v, String name, String meaning) {
        TABLE.put(v, new Entry(name, meaning));
        return new NtStatus(v);
    }

    public static final NtStatus STATUS_SUCCESS = def(0x00000000, "STATUS_SUCCESS", "success");
    public static final NtStatus STATUS_LOGON_FAILURE = def(0xC000006D, "STATUS_LOGON_FAILURE",
            "bad user name or password (generic)");
    public static final NtStatus STATUS_WRONG_PASSWORD = def(0xC000006A, "STATUS_WRONG_PASSWORD",
            "wrong password (usually masked as STATUS_LOGON_FAILURE)");
    public static final NtStatus STATUS_NO_SUCH_USER = def(0xC0000064, "STATUS_NO_SUCH_USER",
            "unknown user (usually masked as STATUS_LOGON_FAILURE)");
    public static final NtStatus STATUS_ACCOUNT_RESTRICTION = def(0xC000006E, "STATUS_ACCOUNT_RESTRICTION",
            "valid credentials but an account restriction applies (e.g. blank password)");
    public static final NtStatus STATUS_INVALID_LOGON_HOURS = def(0xC000006F, "STATUS_INVALID_LOGON_HOURS",
            "outside the account's allowed logon hours");
    public static final NtStatus STATUS_INVALID_WORKSTATION = def(0xC0000070, "STATUS_INVALID_WORKSTATION",
            "the account may not log on from this workstation");
    public static final NtStatus STATUS_PASSWORD_EXPIRED = def(0xC0000071, "STATUS_PASSWORD_EXPIRED",
            "the password has expired (credentials valid)");
    public static final NtStatus STATUS_ACCOUNT_DISABLED = def(0xC0000072, "STATUS_ACCOUNT_DISABLED",
            "the account is disabled");
    public static final NtStatus STATUS_ACCOUNT_EXPIRED = def(0xC0000193, "STATUS_ACCOUNT_EXPIRED",
            "the account has expired");
    public static final NtStatus STATUS_PASSWORD_MUST_CHANGE = def(0xC0000224, "STATUS_PASSWORD_MUST_CHANGE",
            "the password must be changed at next logon (credentials valid)");
    public static final NtStatus STATUS_ACCOUNT_LOCKED_OUT = def(0xC0000234, "STATUS_ACCOUNT_LOCKED_OUT",
            "the account is locked out");
    public static final NtStatus STATUS_LOGON_TYPE_NOT_GRANTED = def(0xC000015B, "STATUS_LOGON_TYPE_NOT_GRANTED",
            "the user is not granted the requested logon type (network / Remote Desktop)");
    public static final NtStatus STATUS_ACCESS_DENIED = def(0xC0000022, "STATUS_ACCESS_DENIED", "access denied");
    public static final NtStatus STATUS_NO_LOGON_SERVERS = def(0xC000005E, "STATUS_NO_LOGON_SERVERS",
            "no domain controller is reachable to check the credentials");
    public static final NtStatus STATUS_TIME_DIFFERENCE_AT_DC = def(0xC0000133, "STATUS_TIME_DIFFERENCE_AT_DC",
            "the clocks of the client/server and the domain controller differ too much");
    public static final NtStatus STATUS_PASSWORD_RESTRICTION = def(0xC000006C, "STATUS_PASSWORD_RESTRICTION",
            "password policy restriction");
    public static final NtStatus STATUS_NOT_SUPPORTED = def(0xC00000BB, "STATUS_NOT_SUPPORTED",
            "not supported: CredSSP version refused or NTLM blocked by policy");
    public static final NtStatus STATUS_INVALID_PARAMETER = def(0xC000000D, "STATUS_INVALID_PARAMETER",
            "the server could not parse the token");
    public static final NtStatus STATUS_DOWNGRADE_DETECTED = def(0xC0000388, "STATUS_DOWNGRADE_DETECTED",
            "SPNEGO downgrade detected");
    public static final NtStatus STATUS_AUTHENTICATION_FIREWALL_FAILED = def(0xC0000413,
            "STATUS_AUTHENTICATION_FIREWALL_FAILED", "selective authentication (trust firewall) blocked the logon");
    public static final NtStatus STATUS_SMARTCARD_LOGON_REQUIRED = def(0xC00002FA, "STATUS_SMARTCARD_LOGON_REQUIRED",
            "the account requires smart card logon");
    public static final NtStatus STATUS_LOGON_NOT_GRANTED = def(0xC0000155, "STATUS_LOGON_NOT_GRANTED",
            "logon not granted");
    public static final NtStatus STATUS_NTLM_BLOCKED = def(0xC0000418, "STATUS_NTLM_BLOCKED",
            "NTLM authentication is disabled by policy");

    /** The MS-ERREF name, or {@code UNKNOWN(0x........)}. */
    public String name() {
        Entry e = TABLE.get(value);
        return e != null ? e.name() : String.format("UNKNOWN(0x%08X)", value);
    }

    public String meaning() {
        Entry e = TABLE.get(value);
        return e != null ? e.meaning() : "an NTSTATUS outside the probe's table";
    }

    public boolean isKnown() {
        return TABLE.containsKey(value);
    }

    /** {@code 0xC000006D}. */
    public String hex() {
        return String.format("0x%08X", value);
    }

    /** Every known value, in table order. */
    public static java.util.List<NtStatus> known() {
        return TABLE.keySet().stream().map(NtStatus::new).toList();
    }

    /** {@code STATUS_LOGON_FAILURE (0xC000006D)}, or {@code UNKNOWN(0xC00700EA)}. */
    @Override
    public String toString() {
        return isKnown() ? name() + " (" + hex() + ")" : name();
    }
}
