package io.rdpprobe.protocol.tls.decrypt;

/** Why one direction of a connection could not be decrypted. One name everywhere (JSON uses {@link #name()}). */
public enum DecryptFailure {
    /** No key log line for this client random (and no usable RSA key). */
    NO_SECRET,
    /** The negotiated suite (or version) is not in the decryptor's table; the detail names it. */
    UNSUPPORTED_SUITE,
    /** An RSA key was given but the encrypted premaster does not decrypt with it (wrong key). */
    RSA_KEY_MISMATCH,
    /** Only an RSA key was given but the key exchange is (EC)DHE: a key log is needed. */
    NOT_RSA_KEY_EXCHANGE,
    /** Authentication of a record failed: wrong secret (or a corrupt capture). */
    BAD_RECORD_MAC,
    /** Bytes are missing from the capture: the sequence number is lost, decryption of that side stops. */
    GAP,
    /** A record that is not valid TLS (e.g. shorter than the IV + tag). */
    MALFORMED
}
