package io.rdpprobe.protocol.tls.decrypt;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.crypto.params.AsymmetricKeyParameter;
import org.bouncycastle.crypto.params.RSAKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;

/**
 * Secrets from NSS key logs (SSLKEYLOGFILE) and RSA private keys. Immutable; {@link #merge} combines sources.
 *
 * <p>Key log lines are {@code LABEL <hex> <hex>}. The first field is the client random (32 bytes) for
 * {@code CLIENT_RANDOM} and the TLS 1.3 traffic secrets, and the first 8 bytes of the encrypted premaster for
 * Wireshark's {@code RSA} label. A later line for the same label and key replaces an earlier one.
 */
public final class TlsSecrets {
    public static final String CLIENT_RANDOM = "CLIENT_RANDOM";
    public static final String CLIENT_HANDSHAKE_TRAFFIC_SECRET = "CLIENT_HANDSHAKE_TRAFFIC_SECRET";
    public static final String SERVER_HANDSHAKE_TRAFFIC_SECRET = "SERVER_HANDSHAKE_TRAFFIC_SECRET";
    public static final String CLIENT_TRAFFIC_SECRET_0 = "CLIENT_TRAFFIC_SECRET_0";
    public static final String SERVER_TRAFFIC_SECRET_0 = "SERVER_TRAFFIC_SECRET_0";
    /** Wireshark's label: first 8 bytes of the encrypted premaster, then the premaster. */
    public static final String RSA = "RSA";
    /** Labels that are well-formed key log lines but not used for decryption (counted, not skipped). */
    private static final Set<String> KNOWN_UNUSED = Set.of("EXPORTER_SECRET", "CLIENT_EARLY_TRAFFIC_SECRET",
            "EARLY_EXPORTER_SECRET", "PMS_CLIENT_RANDOM");
    private static final Set<String> USED = Set.of(CLIENT_RANDOM, CLIENT_HANDSHAKE_TRAFFIC_SECRET,
            SERVER_HANDSHAKE_TRAFFIC_SECRET, CLIENT_TRAFFIC_SECRET_0, SERVER_TRAFFIC_SECRET_0, RSA);
    private static final HexFormat HEX = HexFormat.of();

    public static final TlsSecrets NONE = new TlsSecrets(Map.of(), List.of(), 0, 0);

    /** label + " " + lowercase hex of the key field -> secret. */
    private final Map<String, byte[]> secrets;
    private final List<RSAKeyParameters> rsaKeys;
    private final int keyLogLines;
    private final int skippedLines;

    private TlsSecrets(Map<String, byte[]> secrets, List<RSAKeyParameters> rsaKeys, int keyLogLines, int skippedLines) {
        this.secrets = secrets;
        this.rsaKeys = rsaKeys;
        this.keyLogLines = keyLogLines;
        this.skippedLines = skippedLines;
    }

    /**
     * Lenient: comments, blank and unknown lines are counted in {@link #skippedLines()}, never thrown on. Labels:
     * CLIENT_RANDOM (master secret, TLS &lt;= 1.2), the TLS 1.3 handshake and application traffic secrets, and RSA.
     */
    public static TlsSecrets parseKeyLog(CharSequence text) {
        Map<String, byte[]> map = new HashMap<>();
        int good = 0;
        int skipped = 0;
        int len = text.length();
        int start = 0;
        while (start < len) {
            int end = start;
            while (end < len && text.charAt(end) != '\n') {
                end++;
            }
            String line = text.subSequence(start, end).toString().strip();
            start = end + 1;
            if (parseLine(line, map)) {
                good++;
            } else {
                skipped++;
            }
        }
        return new TlsSecrets(Collections.unmodifiableMap(map), List.of(), good, skipped);
    }

    private static boolean parseLine(String line, Map<String, byte[]> into) {
        if (line.isEmpty() || line.startsWith("#")) {
            return false;
        }
        String[] f = line.split("\\s+");
        if (f.length != 3) {
            return false;
        }
        String label = f[0];
        boolean used = USED.contains(label);
        if (!used && !KNOWN_UNUSED.contains(label)) {
            return false;
        }
        byte[] key;
        byte[] secret;
        try {
            key = HEX.parseHex(f[1]);
            secret = HEX.parseHex(f[2]);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int keyLen = RSA.equals(label) ? 8 : 32;
        if (key.length != keyLen || secret.length == 0 || secret.length > 64) {
            return false;
        }
        if (CLIENT_RANDOM.equals(label) && secret.length != 48) {
            return false;
        }
        if (RSA.equals(label) && secret.length != 48) {
            return false;
        }
        if (used) {
            into.put(label + " " + HEX.formatHex(key), secret);
        }
        return true;
    }

    /**
     * A PEM RSA private key (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY", unencrypted) via bcpkix's PEMParser.
     *
     * @throws DecodeException (layer TLS, field "rsa key") when the text holds no such key
     */
    public static TlsSecrets rsaKeyPem(String pem) {
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw DecodeException.invalid(Layer.TLS, "rsa key", 0, "not a PEM private key: " + e.getMessage());
        }
        PrivateKeyInfo info;
        if (o instanceof PEMKeyPair kp) {
            info = kp.getPrivateKeyInfo();
        } else if (o instanceof PrivateKeyInfo pki) {
            info = pki;
        } else {
            throw DecodeException.invalid(Layer.TLS, "rsa key", 0, o == null ? "no PEM object found"
                    : "PEM object is " + o.getClass().getSimpleName() + ", not an unencrypted private key");
        }
        AsymmetricKeyParameter k;
        try {
            k = PrivateKeyFactory.createKey(info);
        } catch (IOException | RuntimeException e) {
            throw DecodeException.invalid(Layer.TLS, "rsa key", 0, "unreadable private key: " + e.getMessage());
        }
        if (!(k instanceof RSAKeyParameters rsa) || !rsa.isPrivate()) {
            throw DecodeException.invalid(Layer.TLS, "rsa key", 0, "not an RSA private key: " + k.getClass().getSimpleName());
        }
        return new TlsSecrets(Map.of(), List.of(rsa), 0, 0);
    }

    /** Both sources; for the same label and key, {@code other}'s line wins (it was read later). */
    public TlsSecrets merge(TlsSecrets other) {
        if (other == null || other == NONE) {
            return this;
        }
        Map<String, byte[]> m = new HashMap<>(secrets);
        m.putAll(other.secrets);
        List<RSAKeyParameters> keys = new ArrayList<>(rsaKeys);
        keys.addAll(other.rsaKeys);
        return new TlsSecrets(Collections.unmodifiableMap(m), List.copyOf(keys), keyLogLines + other.keyLogLines,
                skippedLines + other.skippedLines);
    }

    /** Well-formed key log lines read (including known labels the decryptor does not use, e.g. EXPORTER_SECRET). */
    public int keyLogLines() {
        return keyLogLines;
    }

    /** Comments, blank lines, unknown labels and malformed lines. */
    public int skippedLines() {
        return skippedLines;
    }

    public boolean hasRsaKey() {
        return !rsaKeys.isEmpty();
    }

    /** Whether there is nothing to decrypt with: no usable key log line and no RSA key. */
    public boolean isEmpty() {
        return secrets.isEmpty() && rsaKeys.isEmpty();
    }

    /** The secret for a label and its key field (client random, or 8 bytes of encrypted premaster for RSA); null when absent. */
    public byte[] secret(String label, byte[] clientRandom) {
        if (label == null || clientRandom == null) {
            return null;
        }
        byte[] s = secrets.get(label.toUpperCase(Locale.ROOT) + " " + HEX.formatHex(clientRandom));
        return s == null ? null : s.clone();
    }

    /** Whether any key log line (any label) names this client random. */
    boolean hasClientRandom(byte[] clientRandom) {
        String hex = " " + HEX.formatHex(clientRandom);
        for (String label : USED) {
            if (!RSA.equals(label) && secrets.containsKey(label + hex)) {
                return true;
            }
        }
        return false;
    }

    List<RSAKeyParameters> rsaKeys() {
        return rsaKeys;
    }

    @Override
    public String toString() {
        // never the secrets themselves
        return "TlsSecrets[" + secrets.size() + " secret(s), " + rsaKeys.size() + " RSA key(s), " + skippedLines + " skipped line(s)]";
    }
}
