package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.Stage;
import io.rdpprobe.probe.credssp.CredSspSettings;
import io.rdpprobe.probe.tls.TlsSettings;
import io.rdpprobe.protocol.x224.CrToken;
import io.rdpprobe.protocol.x224.Protocols;

/**
 * What one probe connection does.
 *
 * @param requestedProtocols protocols for RDP_NEG_REQ, or null to send a legacy CR without one
 * @param token              cookie or routing token for the CR, or null
 * @param stageTimeoutMillis deadline for each stage, counted from the stage's start
 * @param stopAfter          last stage to run (e.g. X224 for enumeration), or null for as far as possible
 * @param maxX224Frame       largest X.224 reply accepted before calling it malformed (a CC is 11 or 19 bytes)
 * @param tls                TLS stage settings
 * @param credssp            CREDSSP stage settings (credentials, delegation)
 * @param session            client settings for MCS and later (GCC client data), null for the defaults
 */
public record ProbeSettings(Integer requestedProtocols, CrToken token, long stageTimeoutMillis, Stage stopAfter,
                            int maxX224Frame, TlsSettings tls, CredSspSettings credssp,
                            io.rdpprobe.probe.session.SessionSettings session) {
    /** mstsc's default request: SSL | HYBRID | HYBRID_EX. */
    public static final int DEFAULT_PROTOCOLS = Protocols.SSL | Protocols.HYBRID | Protocols.HYBRID_EX;
    public static final long DEFAULT_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_X224_FRAME = 512;

    public ProbeSettings {
        if (stageTimeoutMillis <= 0) {
            throw new IllegalArgumentException("timeout must be positive");
        }
    }

    public static ProbeSettings defaults() {
        return new ProbeSettings(DEFAULT_PROTOCOLS, null, DEFAULT_TIMEOUT_MILLIS, null, DEFAULT_MAX_X224_FRAME,
                TlsSettings.defaults(), CredSspSettings.none(), null);
    }

    public ProbeSettings withProtocols(Integer p) {
        return new ProbeSettings(p, token, stageTimeoutMillis, stopAfter, maxX224Frame, tls, credssp, session);
    }

    public ProbeSettings withTimeout(long ms) {
        return new ProbeSettings(requestedProtocols, token, ms, stopAfter, maxX224Frame, tls, credssp, session);
    }

    public ProbeSettings withStopAfter(Stage s) {
        return new ProbeSettings(requestedProtocols, token, stageTimeoutMillis, s, maxX224Frame, tls, credssp, session);
    }

    public ProbeSettings withToken(CrToken t) {
        return new ProbeSettings(requestedProtocols, t, stageTimeoutMillis, stopAfter, maxX224Frame, tls, credssp, session);
    }

    public ProbeSettings withTls(TlsSettings t) {
        return new ProbeSettings(requestedProtocols, token, stageTimeoutMillis, stopAfter, maxX224Frame, t, credssp, session);
    }

    public ProbeSettings withCredSsp(CredSspSettings c) {
        return new ProbeSettings(requestedProtocols, token, stageTimeoutMillis, stopAfter, maxX224Frame, tls, c, session);
    }

    public ProbeSettings withSession(io.rdpprobe.probe.session.SessionSettings s) {
        return new ProbeSettings(requestedProtocols, token, stageTimeoutMillis, stopAfter, maxX224Frame, tls, credssp, s);
    }
}
