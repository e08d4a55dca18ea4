package io.rdpprobe.probe.tls;

/**
 * Where a TLS session's secrets go as NSS key log lines: the {@code --keylog} file ({@link KeyLog}), the
 * {@code --capture} file's Decryption Secrets Block, or both. Called on the connection's event loop.
 */
@FunctionalInterface
public interface KeyLogSink {
    /** One secret: {@code LABEL <client random hex> <secret hex>}; nulls are ignored. */
    void write(String label, byte[] clientRandom, byte[] secret);

    /** Both sinks, either of which may be null; null when both are. */
    static KeyLogSink both(KeyLogSink a, KeyLogSink b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return (label, clientRandom, secret) -> {
            a.write(label, clientRandom, secret);
            b.write(label, clientRandom, secret);
        };
    }
}
