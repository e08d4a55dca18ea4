package io.rdpprobe.capture;

import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The TLS secrets of one capture's analysis: the files given on the command line ({@code --keylog},
 * {@code --rsa-key}) merged with the capture's own pcapng Decryption Secrets Blocks of the TLS key log type, as the
 * reader has met them so far. A connection asks for {@link #current()} at its first encrypted record, so a DSB
 * anywhere before that record is used (Wireshark needs it before the packets; some writers put it later).
 * Only counts and sources are reported ({@link #describe()}), never a secret.
 */
public final class CaptureSecrets {
    /** One source of secrets and what it gave. */
    public record Source(String name, int keyLogLines, int skippedLines, boolean rsaKey) {}

    private final TlsSecrets files;
    private final List<Source> fileSources;
    private final Supplier<List<DecryptionSecrets>> blocks;
    private int blocksSeen;
    private int tlsBlocks;
    private int dsbLines;
    private int dsbSkipped;
    private TlsSecrets merged;

    /**
     * @param files       the secrets from the files ({@link Files#NONE} when none were given)
     * @param blocks      the reader's Decryption Secrets Blocks so far (may be null: a pcap has none)
     */
    public CaptureSecrets(Files files, Supplier<List<DecryptionSecrets>> blocks) {
        this.files = files.secrets();
        this.fileSources = files.sources();
        this.blocks = blocks;
        this.merged = this.files;
    }

    /** The secrets known now: the files and every TLS key log DSB read so far. */
    public TlsSecrets current() {
        if (blocks != null) {
            List<DecryptionSecrets> all = blocks.get();
            for (int i = blocksSeen; i < all.size(); i++) {
                DecryptionSecrets d = all.get(i);
                if (d.isTlsKeyLog()) {
                    TlsSecrets s = TlsSecrets.parseKeyLog(new String(d.data(), StandardCharsets.UTF_8));
                    tlsBlocks++;
                    dsbLines += s.keyLogLines();
                    dsbSkipped += s.skippedLines();
                    merged = merged.merge(s);
                }
            }
            blocksSeen = all.size();
        }
        return merged;
    }

    /** Whether any secret could be present: a file was given, or the capture format can carry DSBs. */
    public boolean possible() {
        return !fileSources.isEmpty() || blocks != null;
    }

    /** The sources so far: each file, and the capture's DSBs when it has any. */
    public List<Source> sources() {
        current();
        List<Source> out = new ArrayList<>(fileSources);
        if (tlsBlocks > 0) {
            out.add(new Source(tlsBlocks + " decryption secrets block(s) in the capture", dsbLines, dsbSkipped, false));
        }
        return out;
    }

    /** For the report: key log lines in all, and per source (counts only). */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        List<Source> src = sources();
        int lines = 0;
        List<Object> per = new ArrayList<>();
        for (Source s : src) {
            lines += s.keyLogLines();
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("source", s.name());
            e.put("keyLogLines", s.keyLogLines());
            if (s.skippedLines() > 0) e.put("skippedLines", s.skippedLines());
            if (s.rsaKey()) e.put("rsaKey", true);
            per.add(e);
        }
        m.put("keyLogLines", lines);
        m.put("sources", per);
        return m;
    }

    /** "12 key log lines (keys.log: 10, 1 decryption secrets block(s) in the capture: 2)". */
    public String text() {
        List<Source> src = sources();
        int lines = src.stream().mapToInt(Source::keyLogLines).sum();
        List<String> parts = new ArrayList<>();
        for (Source s : src) {
            parts.add(s.name() + ": " + (s.rsaKey() ? "RSA private key" : s.keyLogLines() + " line(s)"
                    + (s.skippedLines() > 0 ? ", " + s.skippedLines() + " skipped" : "")));
        }
        return lines + " key log line(s)" + (parts.isEmpty() ? "" : " (" + String.join("; ", parts) + ")");
    }

    /** The secrets of the files given on the command line, and one {@link Source} per file. */
    public record Files(TlsSecrets secrets, List<Source> sources) {
        public static final Files NONE = new Files(TlsSecrets.NONE, List.of());

        public boolean isEmpty() {
            return sources.isEmpty();
        }
    }

    /**
     * Reads {@code --keylog} files (NSS key logs) and {@code --rsa-key} files (PEM private keys).
     *
     * @throws java.io.IOException on an unreadable file
     * @throws io.rdpprobe.protocol.codec.DecodeException on a PEM file that holds no usable RSA key
     */
    public static Files load(List<java.nio.file.Path> keyLogs, List<java.nio.file.Path> rsaKeys) throws java.io.IOException {
        if ((keyLogs == null || keyLogs.isEmpty()) && (rsaKeys == null || rsaKeys.isEmpty())) {
            return Files.NONE;
        }
        TlsSecrets all = TlsSecrets.NONE;
        List<Source> src = new ArrayList<>();
        for (java.nio.file.Path p : keyLogs == null ? List.<java.nio.file.Path>of() : keyLogs) {
            TlsSecrets s = TlsSecrets.parseKeyLog(java.nio.file.Files.readString(p, StandardCharsets.UTF_8));
            src.add(new Source(p.toString(), s.keyLogLines(), s.skippedLines(), false));
            all = all.merge(s);
        }
        for (java.nio.file.Path p : rsaKeys == null ? List.<java.nio.file.Path>of() : rsaKeys) {
            TlsSecrets s = TlsSecrets.rsaKeyPem(java.nio.file.Files.readString(p, StandardCharsets.US_ASCII));
            src.add(new Source(p.toString(), 0, 0, true));
            all = all.merge(s);
        }
        return new Files(all, src);
    }
}
