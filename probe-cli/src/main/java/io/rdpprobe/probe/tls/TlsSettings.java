package io.rdpprobe.probe.tls;

import java.util.List;

/**
 * TLS stage settings.
 *
 * @param versions the versions the ClientHello offers ("1.0".."1.3")
 * @param trust    what the certificate check trusts
 * @param sendSni  send the probed name as SNI (never for address literals)
 */
public record TlsSettings(List<String> versions, TrustSettings trust, boolean sendSni) {
    public TlsSettings {
        versions = List.copyOf(versions);
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("no TLS version to offer");
        }
    }

    public static TlsSettings defaults() {
        return new TlsSettings(TlsVersions.ALL, TrustSettings.defaults(), true);
    }

    public TlsSettings withVersions(List<String> v) {
        return new TlsSettings(v, trust, sendSni);
    }

    public TlsSettings withTrust(TrustSettings t) {
        return new TlsSettings(versions, t, sendSni);
    }
}
