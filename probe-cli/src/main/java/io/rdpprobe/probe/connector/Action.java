package io.rdpprobe.probe.connector;

/** What the driver must do after handing the connector an event. */
public enum Action {
    /** Flush whatever was written to the output buffer and wait for more input or the deadline. */
    WAIT,
    /** Flush the output, then run a TLS handshake over the connection and report its outcome. */
    START_TLS,
    /** The probe is finished: flush the output and close the connection. */
    DONE
}
