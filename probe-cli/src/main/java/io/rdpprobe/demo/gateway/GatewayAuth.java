package io.rdpprobe.demo.gateway;

/** The HTTP authentication schemes the gateway offers in WWW-Authenticate (MS-TSGU 3.3.4). */
public enum GatewayAuth {
    /** {@code NTLM}: raw NTLMSSP tokens (MS-NLMP) in base64, connection-based. */
    NTLM("NTLM"),
    /** {@code Negotiate}: SPNEGO-wrapped NTLM, or raw NTLMSSP as http.sys also accepts. */
    NEGOTIATE("Negotiate"),
    /** {@code Basic realm="..."}: user:password in base64 (RFC 7617). */
    BASIC("Basic");

    private final String token;

    GatewayAuth(String token) {
        this.token = token;
    }

    /** The scheme name as it appears in WWW-Authenticate and Authorization. */
    public String token() {
        return token;
    }
}
