package io.rdpprobe.demo;

/** How the demo target misbehaves, for the faults no real server produces on demand. */
public enum Fault {
    /** Behave: answer the CR according to MS-RDPBCGR 3.3.5.3.1. */
    NONE("spec-faithful answers"),
    /** Accept TCP, read, never answer. */
    SILENT("accepts TCP, then says nothing"),
    /** Answer with binary garbage that is not TPKT. */
    GARBAGE("answers with garbage bytes"),
    /** Answer with an HTTP response, as a web server on the wrong port would. */
    HTTP("answers like an HTTP server"),
    /** Close the connection (FIN) after reading the CR. */
    CLOSE("closes after the Connection Request"),
    /** Reset the connection (RST) after reading the CR. */
    RESET("resets after the Connection Request"),
    /** Announce a 65535-byte TPKT and send 3 bytes of it. */
    HOSTILE_LENGTH("announces a 65535-byte TPKT and sends 3 bytes"),
    /** Send the first 7 bytes of a valid 19-byte CC, then stall. */
    TRUNCATED("sends 7 of 19 bytes of a Connection Confirm, then stalls"),
    /** A TPKT that holds a broken X.224 header (LI past the end). */
    BAD_X224("sends a TPKT with an impossible X.224 length indicator"),
    /** Select TLS, then never answer the ClientHello. */
    TLS_SILENT("selects TLS, then never answers the ClientHello"),
    /** Select TLS, then send part of a server flight and stall (a path-MTU black hole looks like this). */
    TLS_PARTIAL("selects TLS, then sends 200 bytes of a 4000-byte handshake record and stalls"),
    /** Select TLS, then answer the ClientHello with a plaintext TPKT. */
    TLS_NOT_TLS("selects TLS, then answers the ClientHello in plaintext"),
    /** Select TLS, then close right after the ClientHello. */
    TLS_CLOSE("selects TLS, then closes right after the ClientHello");

    private final String description;

    Fault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
