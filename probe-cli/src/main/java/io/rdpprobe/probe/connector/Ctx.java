package io.rdpprobe.probe.connector;

import io.rdpprobe.probe.model.StageResult;
import java.util.List;

/**
 * What every state may read but none owns: the settings and the results recorded so far (a read-only
 * view; states add results only through the {@link Transition} they return).
 */
record Ctx(ProbeSettings settings, List<StageResult> results, WallClock wall, KerberosHandOff kerberos) {
    /**
     * The KERBEROS stage's context (its AP-REQ made), for this connection's CREDSSP stage: taken once, so a follow-up
     * connection never replays the AP-REQ.
     */
    static final class KerberosHandOff {
        private io.rdpprobe.probe.credssp.KerberosContext context;
        private boolean ntlmAllowed = true;

        void offer(io.rdpprobe.probe.credssp.KerberosContext c, boolean ntlm) {
            context = c;
            ntlmAllowed = ntlm;
        }

        io.rdpprobe.probe.credssp.KerberosContext take() {
            io.rdpprobe.probe.credssp.KerberosContext c = context;
            context = null;
            return c;
        }

        boolean ntlmAllowed() {
            return ntlmAllowed;
        }
    }

    /** The wall clock as the driver read it once (for certificate dates outside TLS); sans-IO: never read here. */
    static final class WallClock {
        private Long offsetMillis;

        void set(java.time.Instant wallNow, long nowNanos) {
            offsetMillis = wallNow.toEpochMilli() - nowNanos / 1_000_000L;
        }

        /** The wall time at {@code nowNanos}, or null when the driver never said. */
        java.time.Instant at(long nowNanos) {
            return offsetMillis == null ? null : java.time.Instant.ofEpochMilli(offsetMillis + nowNanos / 1_000_000L);
        }
    }
}
