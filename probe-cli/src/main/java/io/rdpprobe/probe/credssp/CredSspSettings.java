package io.rdpprobe.probe.credssp;

/**
 * CREDSSP stage settings.
 *
 * @param credentials who to authenticate as, or null to only read what the server says about itself (NTLM info)
 * @param options     CredSSP version, delegation, SPNEGO
 */
public record CredSspSettings(Credentials credentials, CredSspOptions options) {
    public static CredSspSettings none() {
        return new CredSspSettings(null, CredSspOptions.defaults());
    }
}
