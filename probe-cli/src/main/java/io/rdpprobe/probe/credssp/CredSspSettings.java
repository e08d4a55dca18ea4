package io.rdpprobe.probe.credssp;

/**
 * CREDSSP stage settings.
 *
 * @param credentials who to authenticate as, or null to only read what the server says about itself (NTLM info)
 * @param options     CredSSP version, delegation, SPNEGO
 * @param ntlmInfo    --ntlm-info: read the server's NTLM CHALLENGE even if it refused TLS/NLA at X.224, as
 *                    nmap's rdp-ntlm-info does (some servers, e.g. FreeRDP in rdp mode, still answer)
 */
public record CredSspSettings(Credentials credentials, CredSspOptions options, boolean ntlmInfo) {
    public CredSspSettings(Credentials credentials, CredSspOptions options) {
        this(credentials, options, false);
    }

    public static CredSspSettings none() {
        return new CredSspSettings(null, CredSspOptions.defaults());
    }
}
