package io.rdpprobe.probe.tls;

import java.util.List;

/**
 * What happened in one TLS handshake, as the TLS handler observed it. No interpretation: the connector
 * turns it into a TLS stage result.
 *
 * @param complete       the handshake finished
 * @param version        negotiated version ("1.2"), or null
 * @param suite          negotiated suite number, or -1
 * @param chain          the server's certificate chain as DER, leaf first (empty if none arrived)
 * @param alertReceived  description code of a fatal alert the server sent, or null
 * @param alertSent      description code of an alert the client raised, or null
 * @param bytesReceived  raw bytes received from the server since the ClientHello
 * @param closed         the server closed the connection before the handshake finished
 * @param reset          ... with a TCP reset
 * @param stalled        the deadline passed before the handshake finished
 * @param notTls         the server answered with bytes that are not a TLS record
 * @param firstBytes     hex of the server's first bytes (for NOT_TLS and stalls)
 * @param error          the TLS library's message when it failed, or null
 * @param arrivals       how the server's bytes arrived since the ClientHello
 * @param flooded        the server sent more than the handshake byte limit without completing the handshake
 * @param warningAlerts  how many warning-level alerts (other than close_notify) the server sent
 * @param firstWarning   the first of them ("no_renegotiation (100)"), or null
 */
public record TlsOutcome(boolean complete, List<String> offeredVersions, String sni, String version, int suite,
                         List<byte[]> chain, Integer alertReceived, Integer alertSent, String alertSentMessage,
                         long bytesReceived, boolean closed, boolean reset, boolean stalled, boolean notTls,
                         String firstBytes, String error, long handshakeMs,
                         io.rdpprobe.probe.model.Arrivals arrivals, boolean flooded, int warningAlerts, String firstWarning) {
    public TlsOutcome {
        offeredVersions = List.copyOf(offeredVersions);
        chain = List.copyOf(chain);
    }

    public String suiteName() {
        return suite < 0 ? null : CipherSuites.name(suite);
    }
}
