package io.rdpprobe.probe.session;

/**
 * Credentials put into the Client Info PDU (auto-logon), e.g. the ones already delegated through CredSSP.
 * {@link #toString()} never shows the password.
 */
public record LogonInfo(String domain, String userName, String password) {
    public LogonInfo {
        domain = domain == null ? "" : domain;
        userName = userName == null ? "" : userName;
        password = password == null ? "" : password;
    }

    @Override
    public String toString() {
        return "LogonInfo[" + (domain.isEmpty() ? "" : domain + "\\") + userName + ", password="
                + (password.isEmpty() ? "(none)" : "(redacted)") + "]";
    }
}
