package io.rdpprobe.probe.credssp;

import java.security.SecureRandom;

/** Where the CredSSP client gets nonces, client challenges and session keys; tests inject a fixed one. */
@FunctionalInterface
public interface RandomSource {
    void nextBytes(byte[] out);

    static RandomSource secure() {
        SecureRandom r = new SecureRandom();
        return r::nextBytes;
    }
}
