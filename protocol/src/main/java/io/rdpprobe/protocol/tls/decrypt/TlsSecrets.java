package io.rdpprobe.protocol.tls.decrypt;

/** THROWAWAY STUB of tlsdec's API (deleted before merging branch tlsdec). */
public final class TlsSecrets {
    public static final TlsSecrets NONE = new TlsSecrets(0, 0);
    private final int lines;
    private final int skipped;

    private TlsSecrets(int lines, int skipped) {
        this.lines = lines;
        this.skipped = skipped;
    }

    public static TlsSecrets parseKeyLog(CharSequence text) {
        int n = 0;
        int s = 0;
        for (String l : text.toString().split("\n")) {
            if (l.startsWith("CLIENT_") || l.startsWith("SERVER_")) n++; else s++;
        }
        return new TlsSecrets(n, s);
    }

    public static TlsSecrets rsaKeyPem(String pem) {
        return new TlsSecrets(0, 0);
    }

    public TlsSecrets merge(TlsSecrets o) {
        return new TlsSecrets(lines + o.lines, skipped + o.skipped);
    }

    public int keyLogLines() { return lines; }
    public int skippedLines() { return skipped; }
    public boolean hasRsaKey() { return false; }
    public boolean isEmpty() { return lines == 0; }
    public byte[] secret(String label, byte[] clientRandom) { return null; }
}
