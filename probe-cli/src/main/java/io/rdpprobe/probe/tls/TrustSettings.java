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
        anchors = anchors instanceof WithJdkAnchors ? anchors : List.copyOf(anchors);
        pinnedSha256 = Set.copyOf(pinnedSha256.stream().map(TrustSettings::normalizeFingerprint).toList());
    }

    public static String normalizeFingerprint(String fp) {
        String s = fp.replace(":", "").replace(" ", "").toLowerCase(Locale.ROOT);
        if (!s.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("a SHA-256 fingerprint has 64 hex digits (colons allowed): " + fp);
        }
        return s;
    }

    /**
     * The JDK's default trust anchors (cacerts), read when first looked at: reading them registers the JDK's
     * security providers and parses about 140 certificates (tens of milliseconds), which a probe that never
     * reaches TLS (a closed port, a refused X.224) must not pay for. Nor does one whose chain ends at a subject no
     * anchor has (a self-signed certificate, a company CA): {@link WithJdkAnchors#mayHaveSubject} answers that from
     * the store's subjects alone, which a probe that may reach TLS reads on a daemon thread from TCP connect on
     * ({@link #prepareJdkAnchors}), overlapping the X.224 round trip.
     */
    public static List<X509Certificate> jdkAnchors() {
        return WithJdkAnchors.NONE_EXTRA;
    }

    /** The JDK's anchors (read when first looked at, see {@link #jdkAnchors}) followed by {@code extra}. */
    /**
     * What a probe that may reach TLS prepares on a daemon thread (io.rdpprobe.probe.netty.HandshakeWarmup): the
     * index of the JDK store's subjects, or, when the store is not one that index reads, the anchors themselves.
     */
    public static void prepareJdkAnchors() {
        if (WithJdkAnchors.JdkSubjects.SUBJECTS == null) {
            WithJdkAnchors.NONE_EXTRA.size();
        }
    }

    public static List<X509Certificate> jdkAnchorsPlus(List<X509Certificate> extra) {
        return extra.isEmpty() ? WithJdkAnchors.NONE_EXTRA : new WithJdkAnchors(List.copyOf(extra));
    }

    /** An unmodifiable list: the JDK's anchors, loaded once per process on first access, then {@code extra}. */
    static final class WithJdkAnchors extends java.util.AbstractList<X509Certificate> implements java.util.RandomAccess {
        static final WithJdkAnchors NONE_EXTRA = new WithJdkAnchors(List.of());
        private final List<X509Certificate> extra;

        WithJdkAnchors(List<X509Certificate> extra) {
            this.extra = extra;
        }

        private static final class Jdk {
            static final List<X509Certificate> ANCHORS = loadJdkAnchors();
        }

        /** The JDK store's subjects, read without its certificates; null when the store is not one it reads. */
        private static final class JdkSubjects {
            static final List<javax.security.auth.x500.X500Principal> SUBJECTS = JdkStoreSubjects.read();
        }

        /**
         * False when no anchor has {@code subject} as its subject: then no chain ends at one of them and the
         * JDK's anchors need not be read. True when one has, or when the JDK store is not one {@link
         * JdkStoreSubjects} reads (then this reads the anchors themselves).
         */
        boolean mayHaveSubject(javax.security.auth.x500.X500Principal subject) {
            for (X509Certificate x : extra) {
                if (x.getSubjectX500Principal().equals(subject)) {
                    return true;
                }
            }
            List<javax.security.auth.x500.X500Principal> jdk = JdkSubjects.SUBJECTS;
            if (jdk != null) {
                return JdkStoreSubjects.contains(jdk, subject);
            }
            for (X509Certificate x : Jdk.ANCHORS) {
                if (x.getSubjectX500Principal().equals(subject)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public X509Certificate get(int index) {
            List<X509Certificate> jdk = Jdk.ANCHORS;
            return index < jdk.size() ? jdk.get(index) : extra.get(index - jdk.size());
        }

        @Override
        public int size() {
            return Jdk.ANCHORS.size() + extra.size();
        }
    }

    private static List<X509Certificate> loadJdkAnchors() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            List<X509Certificate> out = new ArrayList<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    out.addAll(List.of(x.getAcceptedIssuers()));
                }
            }
            return List.copyOf(out);
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
