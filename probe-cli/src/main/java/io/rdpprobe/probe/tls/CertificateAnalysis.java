package io.rdpprobe.probe.tls;

import io.rdpprobe.probe.model.Cause;
import java.util.List;
import java.util.Map;

/**
 * What the certificate check found.
 *
 * @param certificates     evidence per certificate, leaf first
 * @param findings         problems, most severe first
 * @param serverPublicKey  the leaf's subjectPublicKey bit string contents (for RSA: the RSAPublicKey DER),
 *                         which CredSSP binds to; null if the leaf did not parse
 * @param trusted          the chain reaches a trust anchor or the leaf is pinned
 */
public record CertificateAnalysis(List<Map<String, Object>> certificates, List<Finding> findings,
                                  byte[] serverPublicKey, boolean trusted, String leafSha256) {
    /** One problem with the chain. {@code fatal} findings fail the stage even without --strict-cert. */
    public record Finding(Cause cause, String detail, boolean fatal) {}

    public Finding mostSevere() {
        return findings.isEmpty() ? null : findings.get(0);
    }
}
