package io.rdpprobe.probe.session;

/** Where the client random comes from: SecureRandom in production, a fixed sequence in tests. */
@FunctionalInterface
public interface RandomSource {
    void nextBytes(byte[] out);
}
