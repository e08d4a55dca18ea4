package io.rdpprobe.probe.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * The subjects of the JDK's default trust store, read without parsing its certificates (issue 13). The certificate
 * check needs the JDK's anchors only when the server's chain ends at one of their subjects, and an RDP server's
 * certificate is usually self-signed or issued by a company CA that no public store holds; so a probe asks this
 * index first and loads the anchors (about 140 certificates parsed by the JDK, and its security providers: 70 ms of
 * CPU under C1 on this machine, beside an RDP probe's 400) only when a subject matches.
 *
 * <p>Only the store the JDK itself would open with no {@code javax.net.ssl.trustStore*} property set, and only in the
 * JKS format (Debian's {@code /etc/ssl/certs/java/cacerts} and OpenJDK 17's own): anything else (a property set,
 * PKCS12, a key entry, a length that does not fit) gives {@code null}, and the caller loads the anchors as before.
 * The subjects are compared as the JDK compares them ({@link X500Principal#equals}, its canonical form), so the index
 * answers exactly what the loaded anchors' subjects would ({@link #contains}).
 */
final class JdkStoreSubjects {
    private static final int JKS_MAGIC = 0xFEEDFEED;

    private JdkStoreSubjects() {}

    /** The subjects of the JDK's default trust store, or null when it cannot be read this way (see the class). */
    static List<X500Principal> read() {
        if (System.getProperty("javax.net.ssl.trustStore") != null
                || System.getProperty("javax.net.ssl.trustStoreType") != null
                || System.getProperty("javax.net.ssl.trustStoreProvider") != null) {
            return null;
        }
        // the JDK's order (sun.security.ssl.TrustStoreManager): jssecacerts when it exists, else cacerts
        Path dir = Path.of(System.getProperty("java.home"), "lib", "security");
        Path store = Files.isRegularFile(dir.resolve("jssecacerts")) ? dir.resolve("jssecacerts") : dir.resolve("cacerts");
        try {
            return subjectsOfJks(Files.readAllBytes(store));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The subjects of the trusted-certificate entries of a JKS key store, or null when {@code jks} is not one made
     * of those alone. The store's keyed digest is not checked: the JDK does not check it either when no trust store
     * password is set, which is how it opens its default store.
     */
    static List<X500Principal> subjectsOfJks(byte[] jks) {
        ByteBuffer b = ByteBuffer.wrap(jks);
        if (b.remaining() < 12 || b.getInt() != JKS_MAGIC) {
            return null;
        }
        int version = b.getInt();
        int count = b.getInt();
        if ((version != 1 && version != 2) || count < 0 || count > jks.length / 16) {
            return null;
        }
        List<X500Principal> subjects = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            if (b.remaining() < 4 || b.getInt() != 2) { // 2: a trusted certificate; 1 (a private key) is not read here
                return null;
            }
            if (!skipUtf(b) || b.remaining() < 8) { // the alias, then the creation date
                return null;
            }
            b.position(b.position() + 8);
            if (version == 2 && !skipUtf(b)) { // the certificate type, "X.509"
                return null;
            }
            if (b.remaining() < 4) {
                return null;
            }
            int len = b.getInt();
            if (len < 0 || len > b.remaining()) {
                return null;
            }
            int start = b.position();
            byte[] subject = subjectOf(jks, start, start + len);
            if (subject == null) {
                return null;
            }
            subjects.add(new X500Principal(subject));
            b.position(start + len);
        }
        return List.copyOf(subjects);
    }

    /**
     * Whether {@code subjects} holds {@code subject}, by {@link X500Principal#equals}: a scan, not a hash set, because
     * a name's hash is its canonical form (Unicode normalisation of every value: 20 ms for the JDK store's 140 under
     * C1), while equals compares the canonical forms only of names with as many RDNs and AVAs.
     */
    static boolean contains(List<X500Principal> subjects, X500Principal subject) {
        for (X500Principal s : subjects) {
            if (s.equals(subject)) {
                return true;
            }
        }
        return false;
    }

    private static boolean skipUtf(ByteBuffer b) {
        if (b.remaining() < 2) {
            return false;
        }
        int n = b.getShort() & 0xFFFF;
        if (n > b.remaining()) {
            return false;
        }
        b.position(b.position() + n);
        return true;
    }

    /**
     * The DER of the subject Name of the X.509 certificate in {@code der[from, to)}, or null when it is not one:
     * Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber, signature, issuer,
     * validity, subject, ... }, ... } (RFC 5280, 4.1).
     */
    static byte[] subjectOf(byte[] der, int from, int to) {
        int[] tlv = new int[2]; // the content's offset, then its end
        if (!header(der, from, to, 0x30, tlv) || !header(der, tlv[0], tlv[1], 0x30, tlv)) {
            return null;
        }
        int p = tlv[0];
        int end = tlv[1];
        if (p < end && (der[p] & 0xFF) == 0xA0) { // version
            if (!header(der, p, end, 0xA0, tlv)) {
                return null;
            }
            p = tlv[1];
        }
        for (int tag : new int[] {0x02, 0x30, 0x30, 0x30}) { // serialNumber, signature, issuer, validity
            if (!header(der, p, end, tag, tlv)) {
                return null;
            }
            p = tlv[1];
        }
        if (!header(der, p, end, 0x30, tlv)) {
            return null;
        }
        return java.util.Arrays.copyOfRange(der, p, tlv[1]);
    }

    /** Reads a DER header with tag {@code tag} at {@code p} (before {@code end}): out = {content start, content end}. */
    private static boolean header(byte[] der, int p, int end, int tag, int[] out) {
        if (p + 2 > end || (der[p] & 0xFF) != tag) {
            return false;
        }
        int first = der[p + 1] & 0xFF;
        int q = p + 2;
        long len;
        if (first < 0x80) {
            len = first;
        } else {
            int n = first & 0x7F;
            if (n == 0 || n > 4 || q + n > end) {
                return false;
            }
            len = 0;
            for (int i = 0; i < n; i++) {
                len = (len << 8) | (der[q++] & 0xFF);
            }
        }
        if (len > end - q) {
            return false;
        }
        out[0] = q;
        out[1] = (int) (q + len);
        return true;
    }
}
