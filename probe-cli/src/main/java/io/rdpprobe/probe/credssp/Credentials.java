package io.rdpprobe.probe.credssp;

/**
 * User, domain and password for NLA. {@link #toString()} never shows the password.
 *
 * @param domain may be empty (local account, or a UPN in {@code user})
 */
public record Credentials(String user, String domain, Secret password) {
    public Credentials {
        user = user == null ? "" : user;
        domain = domain == null ? "" : domain;
        if (password == null) {
            throw new IllegalArgumentException("password required (use Secret.of(new char[0]) for none)");
        }
    }

    /**
     * Parses {@code DOMAIN\\user}, {@code user@domain.example} (kept whole as the user, domain empty, as NTLM
     * accepts UPNs) or a bare {@code user}.
     */
    public static Credentials parse(String spec, Secret password) {
        int bs = spec.indexOf('\\');
        if (bs >= 0) {
            return new Credentials(spec.substring(bs + 1), spec.substring(0, bs), password);
        }
        return new Credentials(spec, "", password);
    }

    /** {@code DOMAIN\\user} or {@code user}, for evidence. */
    public String display() {
        return domain.isEmpty() ? user : domain + "\\" + user;
    }

    @Override
    public String toString() {
        return "Credentials[" + display() + ", password=***]";
    }
}
