package io.rdpprobe.probe.session;

/**
 * Who the Client Info PDU names after the credentials were delegated through CredSSP: domain and user, and on
 * purpose no password. The server logs on with the delegated TSCredentials (MS-CSSP 3.1.5; what an NLA server
 * uses for the session), so the Info Packet carries INFO_AUTOLOGON with an empty Password field. A password there
 * would be readable by anyone holding the capture and the TLS key log (issue 18, finding 11).
 */
public record LogonInfo(String domain, String userName) {
    public LogonInfo {
        domain = domain == null ? "" : domain;
        userName = userName == null ? "" : userName;
    }
}
