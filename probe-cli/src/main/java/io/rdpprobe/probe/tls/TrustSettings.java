package io.rdpprobe.probe.tls;

import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * What the certificate check trusts: trust anchors (the JDK store plus any --ca file), pinned SHA-256
 * fingerprints (--trust-cert), and whether certificate problems are fatal (--strict-cert).
 */
public record TrustSettings(List<X509Certificate> anchors, Set<String> pinnedSha256, boolean strict) {
    public TrustSettings {
        anchors = List.copyOf(anchors);
        pinnedSha256 = Set.copyOf(pinnedSha256.stream().map(TrustSettings::normalizeFingerprint).toList());
    }

    public static String normalizeFingerprint(String fp) {
        String s = fp.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!s.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 64 hex digits (colons allowed): " + fp);
        }
        return s;
    }

    /** The JDK's default trust anchors (cacerts). */
    public static List<X509Certificate> jdkAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            List<X509Certificate> out = new ArrayList<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    out.addAll(List.of(x.getAcceptedIssuers()));
                }
            }
            return out;
        } catch (Exception e) {
            return List.of();
        }
    }

    public static TrustSettings defaults() {
        return new TrustSettings(jdkAnchors(), Set.of(), false);
    }

    public boolean isPinned(String sha256) {
        return pinnedSha256.contains(sha256);
    }

    public boolean trustsSomething() {
        return !pinnedSha256.isEmpty();
    }
}
