package io.rdpprobe.probe.model;

import io.rdpprobe.protocol.credssp.NtStatus;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Causes for the CREDSSP stage. NTSTATUS-based causes are named after the status without its
 * {@code STATUS_} prefix (STATUS_LOGON_FAILURE → LOGON_FAILURE); the NTSTATUS table is protocol-notes 4.4.
 * Client error codes are the mstsc discReason values of protocol-notes 7.1 where one is listed (those
 * "additional mstsc-internal codes" are marked unverified there).
 */
public final class CredSspCauses {
    private CredSspCauses() {}

    private static final Map<String, Cause> ALL = new LinkedHashMap<>();
    private static final Map<Integer, Cause> BY_STATUS = new LinkedHashMap<>();

    private static Cause def(String code, String title, String remedy, ClientError ce) {
        Cause c = new Cause(code, title, remedy, ce);
        ALL.put(code, c);
        return c;
    }

    private static Cause status(NtStatus st, String title, String remedy, ClientError ce) {
        Cause c = def(st.name().substring("STATUS_".length()), title, remedy, ce);
        BY_STATUS.put(st.value(), c);
        return c;
    }

    // ---- NTSTATUS in TSRequest.errorCode (and the inferred logon failure) -----------------------------------
    public static final Cause LOGON_FAILURE = status(NtStatus.STATUS_LOGON_FAILURE,
            "the server rejected the user name or password",
            "check the user name (DOMAIN\\user or user@domain), the password and keyboard layout; Windows masks "
                    + "unknown users and wrong passwords alike. The server's Security log (event 4625) has the sub-status", null);
    public static final Cause WRONG_PASSWORD = status(NtStatus.STATUS_WRONG_PASSWORD,
            "the password is wrong", "retype the password; after several tries the account may lock out", null);
    public static final Cause NO_SUCH_USER = status(NtStatus.STATUS_NO_SUCH_USER,
            "the user does not exist on the server or its domain",
            "check the user name and the domain part (local accounts: .\\user or HOSTNAME\\user)", null);
    public static final Cause ACCOUNT_RESTRICTION = status(NtStatus.STATUS_ACCOUNT_RESTRICTION,
            "the credentials are valid but an account restriction prevents the logon (e.g. a blank password)",
            "set a password on the account, or relax 'Limit local account use of blank passwords'", ClientError.of(0xC07));
    public static final Cause INVALID_LOGON_HOURS = status(NtStatus.STATUS_INVALID_LOGON_HOURS,
            "the account may not log on at this time of day", "change the account's logon hours in AD", ClientError.of(0x1007));
    public static final Cause INVALID_WORKSTATION = status(NtStatus.STATUS_INVALID_WORKSTATION,
            "the account may not log on from this computer",
            "add the computer to the account's 'Log On To' list in AD", ClientError.of(0x1107));
    public static final Cause PASSWORD_EXPIRED = status(NtStatus.STATUS_PASSWORD_EXPIRED,
            "the password has expired (the credentials themselves are valid)",
            "change the password (e.g. Ctrl+Alt+End > Change a password on another session, or have an admin reset it); "
                    + "NLA cannot change an expired password", ClientError.of(0xF07));
    public static final Cause ACCOUNT_DISABLED = status(NtStatus.STATUS_ACCOUNT_DISABLED,
            "the account is disabled", "an administrator must enable the account", ClientError.of(0xB07));
    public static final Cause ACCOUNT_EXPIRED = status(NtStatus.STATUS_ACCOUNT_EXPIRED,
            "the account has expired", "an administrator must extend the account's expiry date", ClientError.of(0xE07));
    public static final Cause PASSWORD_MUST_CHANGE = status(NtStatus.STATUS_PASSWORD_MUST_CHANGE,
            "the password must be changed at next logon (the credentials themselves are valid)",
            "change the password first (NLA cannot), or clear 'User must change password at next logon'",
            ClientError.of(0x1207));
    public static final Cause ACCOUNT_LOCKED_OUT = status(NtStatus.STATUS_ACCOUNT_LOCKED_OUT,
            "the account is locked out", "wait for the lockout to expire or have an administrator unlock it; find the "
                    + "source of bad passwords (event 4740 on the PDC)", ClientError.of(0xD07));
    public static final Cause LOGON_TYPE_NOT_GRANTED = status(NtStatus.STATUS_LOGON_TYPE_NOT_GRANTED,
            "the user is not granted the logon right NLA needs",
            "grant 'Access this computer from the network' and 'Allow log on through Remote Desktop Services' "
                    + "(e.g. via Remote Desktop Users) and check the Deny rights", ClientError.of(0x1307));
    public static final Cause ACCESS_DENIED = status(NtStatus.STATUS_ACCESS_DENIED,
            "the server denied access", "check the user's rights on the server and any CredSSP/NLA policy", null);
    public static final Cause NO_LOGON_SERVERS = status(NtStatus.STATUS_NO_LOGON_SERVERS,
            "the server could not reach a domain controller to check the credentials",
            "check the server's DC connectivity (nltest /sc_verify:<domain>) and DNS", null);
    public static final Cause TIME_DIFFERENCE_AT_DC = status(NtStatus.STATUS_TIME_DIFFERENCE_AT_DC,
            "the clocks differ too much between the client/server and the domain controller",
            "fix time synchronisation (w32tm /query /status) on the server and the DC", ClientError.of(0x1D07));
    public static final Cause PASSWORD_RESTRICTION = status(NtStatus.STATUS_PASSWORD_RESTRICTION,
            "a password policy restriction prevents the logon", "check the account's password policy", null);
    public static final Cause NOT_SUPPORTED = status(NtStatus.STATUS_NOT_SUPPORTED,
            "the server does not support the request: CredSSP version refused or NTLM blocked by policy",
            "check 'Network security: Restrict NTLM' policies and the CredSSP 'Encryption Oracle Remediation' setting; "
                    + "a Kerberos-capable client may be needed", null);
    public static final Cause INVALID_PARAMETER = status(NtStatus.STATUS_INVALID_PARAMETER,
            "the server could not parse the authentication token",
            "the server or a middlebox disagrees with the probe's encoding; capture with --capture", null);
    public static final Cause DOWNGRADE_DETECTED = status(NtStatus.STATUS_DOWNGRADE_DETECTED,
            "the server detected an SPNEGO downgrade", "something altered the negotiation; look for a middlebox", null);
    public static final Cause AUTHENTICATION_FIREWALL_FAILED = status(NtStatus.STATUS_AUTHENTICATION_FIREWALL_FAILED,
            "selective authentication on a trust blocked the logon",
            "grant 'Allowed to authenticate' on the server's computer object to the user", null);
    public static final Cause SMARTCARD_LOGON_REQUIRED = status(NtStatus.STATUS_SMARTCARD_LOGON_REQUIRED,
            "the account requires smart card logon", "log on with the smart card; passwords are not accepted", null);
    public static final Cause LOGON_NOT_GRANTED = status(NtStatus.STATUS_LOGON_NOT_GRANTED,
            "the logon was not granted", "check the user's logon rights on the server", null);
    public static final Cause NTLM_BLOCKED = status(NtStatus.STATUS_NTLM_BLOCKED,
            "NTLM is disabled by policy, so NLA with NTLM cannot work",
            "use Kerberos (connect by FQDN from a domain-joined client) or allow NTLM for this server", null);
    public static final Cause UNKNOWN_NTSTATUS = def("UNKNOWN_NTSTATUS",
            "the server failed CredSSP with an NTSTATUS outside the probe's table",
            "look the value up (e.g. certutil -error <hex>) and check the server's event log", null);

    // ---- protocol-level findings ------------------------------------------------------------------------------
    public static final Cause PUBKEY_AUTH_MISMATCH = def("PUBKEY_AUTH_MISMATCH",
            "the server's pubKeyAuth does not match the TLS certificate's key: possible man in the middle",
            "something between the client and the server terminates TLS (a proxy, IPS or attacker); do not send "
                    + "credentials over this path; compare the certificate with the one on the server", ClientError.of(0x907));
    public static final Cause PUBKEY_AUTH_MISSING = def("PUBKEY_AUTH_MISSING",
            "the server accepted the credentials but sent no pubKeyAuth", "the server is not a conforming CredSSP "
                    + "server; capture the exchange", null);
    public static final Cause CLOCK_SKEW = def("CLOCK_SKEW",
            "the server's clock differs from this machine's by more than 5 minutes: Kerberos would fail",
            "fix time synchronisation on the server or the client (w32tm /resync); NTLM still works", null);
    public static final Cause EARLY_USER_AUTH_DENIED = def("EARLY_USER_AUTH_DENIED",
            "the credentials are valid but the user may not log on to this server (Early User Authorization: ACCESS_DENIED)",
            "add the user to Remote Desktop Users (or grant 'Allow log on through Remote Desktop Services')", null);
    public static final Cause CLOSED_AFTER_NEGOTIATE = def("CLOSED_AFTER_NEGOTIATE",
            "the server closed the connection right after the NTLM NEGOTIATE",
            "the server may refuse NTLM or this CredSSP version; check its NTLM and CredSSP policies and event log", null);
    public static final Cause CLOSED_AFTER_CREDENTIALS = def("CLOSED_AFTER_CREDENTIALS",
            "the server closed the connection after receiving the delegated credentials",
            "the credentials were accepted by NLA but the logon itself failed; check the server's event log", null);
    public static final Cause CREDSSP_MALFORMED = def("CREDSSP_MALFORMED",
            "the server's CredSSP message breaks the protocol (bad DER, NTLM or SPNEGO)",
            "capture the exchange with --capture; a middlebox or a non-conforming server is likely", null);
    public static final Cause CREDSSP_UNEXPECTED_MESSAGE = def("CREDSSP_UNEXPECTED_MESSAGE",
            "the server sent a CredSSP message the probe did not expect at this point",
            "capture the exchange with --capture", null);
    public static final Cause NTLM_NOT_OFFERED = def("NTLM_NOT_OFFERED",
            "the server did not accept NTLM in SPNEGO",
            "the server may require Kerberos; connect with a domain account by FQDN or allow NTLM", null);
    public static final Cause KERBEROS_NOT_ACCEPTED = def("KERBEROS_NOT_ACCEPTED",
            "the server did not accept Kerberos in SPNEGO (it rejected the negotiation or selected another mechanism)",
            "the server's Kerberos acceptor is not set up for this SPN (no key, or a non-Windows server without Kerberos); "
                    + "with --auth negotiate the probe falls back to NTLM where the server selects it", null);
    public static final Cause KERBEROS_AP_REP_INVALID = def("KERBEROS_AP_REP_INVALID",
            "the server's answer to the Kerberos AP-REQ does not complete mutual authentication (no valid AP-REP)",
            "the server does not hold the SPN's key, or something answers in its place; check the SPN's key version "
                    + "(kvno) against the server's keytab / computer account, and capture the exchange", null);
    public static final Cause CLOSED_AFTER_AP_REQ = def("CLOSED_AFTER_AP_REQ",
            "the server closed the connection right after the SPNEGO negTokenInit with the Kerberos AP-REQ",
            "the server may not speak SPNEGO/Kerberos in CredSSP (FreeRDP 2 servers take raw NTLM only) or rejects "
                    + "the ticket; compare with --auth ntlm and check the server's log", null);
    public static final Cause NTLM_SEALING_NOT_GRANTED = def("NTLM_SEALING_NOT_GRANTED",
            "the server's NTLM CHALLENGE does not grant signing, sealing and extended session security, which CredSSP needs",
            "check the server's 'Network security: Minimum session security for NTLM SSP' policies", null);

    /** The cause for an errorCode NTSTATUS. */
    public static Cause forStatus(NtStatus status) {
        Cause c = BY_STATUS.get(status.value());
        return c != null ? c : UNKNOWN_NTSTATUS;
    }

    /** Every cause defined here, by code. */
    public static Map<String, Cause> all() {
        return Collections.unmodifiableMap(ALL);
    }

    /** --delegate-credentials was given but the server's certificate is neither trusted nor pinned. */
    public static final Cause DELEGATION_SKIPPED_UNTRUSTED_CERT = def("DELEGATION_SKIPPED_UNTRUSTED_CERT",
            "the probe did not delegate the credentials because the server's certificate is neither trusted nor pinned",
            "check the certificate out of band, then pin it with --trust-cert SHA256 (or pass --ca) and run again "
                    + "with --delegate-credentials", null);

    /** --user/password or --ntlm-info were given, but the server did not select HYBRID/HYBRID_EX: NLA never ran. */
    public static final Cause CREDENTIALS_NOT_TESTED = def("CREDENTIALS_NOT_TESTED",
            "credentials NOT tested: the server does not use NLA, so the password is checked only at the Windows logon "
                    + "screen, after ACTIVATION",
            "a reached ACTIVATION says nothing about the password: test it with a real logon, or require NLA on the "
                    + "server (System Properties > Remote > 'Allow connections only from computers running Remote "
                    + "Desktop with Network Level Authentication') and probe again", null);

    /**
     * CVE-2018-0886 (Microsoft advisory KB4093492): the CredSSP update of March/May 2018 raised the TSRequest version to
     * 6 and, from May 2018, made patched clients refuse unpatched servers by default (policy "Encryption Oracle
     * Remediation" = Mitigated). A server that answers with CredSSP version 5 or lower lacks that update.
     */
    public static final Cause CREDSSP_ENCRYPTION_ORACLE = def("CREDSSP_ENCRYPTION_ORACLE",
            "CredSSP encryption oracle remediation mismatch (CVE-2018-0886): the server speaks a CredSSP version below 6, "
                    + "so updated clients refuse it ('This could be due to CredSSP encryption oracle remediation')",
            "install the CredSSP update on the server (KB4093492 lists the update per Windows version); as a stopgap only, "
                    + "set 'Encryption Oracle Remediation' to Vulnerable on the client (gpedit: Computer Configuration > "
                    + "Administrative Templates > System > Credentials Delegation)", null);
}
