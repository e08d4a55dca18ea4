package io.rdpprobe.probe.model;

/** Outcome of one stage. */
public enum Status {
    /** The stage completed as a working client needs. */
    OK,
    /** The stage failed; the probe stopped here. */
    FAILED,
    /** The stage completed, but with a finding worth attention (a self-signed certificate, clock skew). */
    WARNING,
    /** The stage does not apply to this connection (SECURITY_EXCHANGE under TLS, CREDSSP without NLA). */
    SKIPPED,
    /** An earlier stage failed or the probe was told to stop before this stage. */
    NOT_REACHED
}
