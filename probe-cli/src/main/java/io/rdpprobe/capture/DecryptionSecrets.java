package io.rdpprobe.capture;

/**
 * A pcapng Decryption Secrets Block (pcapng draft, section 4.7), kept for later use (e.g. TLS key logs).
 *
 * @param secretsType 0x544c534b ("TLSK") for an NSS key log, 0x57474b4c WireGuard, ...
 * @param data        the secrets, as stored
 */
public record DecryptionSecrets(int secretsType, byte[] data) {
    public static final int TLS_KEY_LOG = 0x544c534b;

    public boolean isTlsKeyLog() {
        return secretsType == TLS_KEY_LOG;
    }
}
