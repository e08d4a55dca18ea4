package io.rdpprobe.demo.gateway;

import java.util.Locale;

/**
 * An account of the embedded gateway's HTTP authentication. A demo/test account only: the password is kept in
 * plain text and never printed ({@link #toString()}).
 *
 * @param domain the NetBIOS domain; empty matches any domain the client sends
 */
public record GatewayAccount(String user, String domain, String password) {
    public GatewayAccount {
        if (user == null || user.isEmpty() || password == null) {
            throw new IllegalArgumentException("an account needs a user and a password");
        }
        domain = domain == null ? "" : domain;
    }

    /** Whether a user and domain, as a client sent them, name this account (case-insensitive, as Windows). */
    public boolean matches(String clientUser, String clientDomain) {
        if (clientUser == null || !user.toLowerCase(Locale.ROOT).equals(clientUser.toLowerCase(Locale.ROOT))) {
            return false;
        }
        return domain.isEmpty() || clientDomain == null || clientDomain.isEmpty() || domain.equalsIgnoreCase(clientDomain);
    }

    /** {@code DOMAIN\\user}, or the user alone without a domain. */
    public String qualifiedName() {
        return domain.isEmpty() ? user : domain + "\\" + user;
    }

    @Override
    public String toString() {
        return "GatewayAccount[" + qualifiedName() + "]";
    }
}
