package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.tls.TlsOutcome;

/**
 * What the TLS stage established, valid from CREDSSP on.
 *
 * @param outcome          the handshake
 * @param serverPublicKey  the leaf certificate's public key, which CredSSP binds to; null without one
 * @param trusted          whether the certificate is trusted or pinned (delegation needs it)
 * @param wallOffsetMillis wall clock minus the driver's clock, for the NTLM and CredSSP timestamps
 */
record Secured(TlsOutcome outcome, byte[] serverPublicKey, boolean trusted, long wallOffsetMillis) {
    long wallMillis(long nowNanos) {
        return wallOffsetMillis + nowNanos / 1_000_000L;
    }
}
