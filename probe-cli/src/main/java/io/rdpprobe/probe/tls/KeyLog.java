package io.rdpprobe.probe.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * NSS key log writer (the SSLKEYLOGFILE format tshark reads). A new file is created owner-only (0600); an existing
 * key log is appended to, as SSLKEYLOGFILE files are; a file with other content is refused; forced, the old file is
 * removed and a new one created. A symbolic link is never followed.
 */
public final class KeyLog implements KeyLogSink {
    private static final Pattern LINE = Pattern.compile("^(#.*|[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+)?$");
    private final Path file;

    private KeyLog(Path file) {
        this.file = file;
    }

    /**
     * Opens {@code file} for key log lines: appends to an existing key log, or (forced, or when there is none) creates
     * it anew with mode 0600.
     *
     * @throws IllegalArgumentException when the file holds something other than a key log and {@code force} is off, or
     *                                  it is a symbolic link
     */
    public static KeyLog open(Path file, boolean force) {
        try {
            if (Files.isSymbolicLink(file)) {
                throw new IllegalArgumentException("Invalid value for option '--keylog': " + file + " is a symbolic link: "
                        + "rdp-probe does not follow it; give the file itself");
            }
            if (!force && Files.exists(file) && Files.size(file) > 0) {
                boolean isKeyLog;
                try {
                    isKeyLog = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().allMatch(l -> LINE.matcher(l).matches());
                } catch (IOException | java.io.UncheckedIOException e) {
                    isKeyLog = false;
                }
                if (!isKeyLog) {
                    throw new IllegalArgumentException("Invalid value for option '--keylog': " + file
                            + " exists and is not a key log; use --force to replace it");
                }
                return new KeyLog(file); // appended to
            }
            io.rdpprobe.files.OutputFiles.create(file, true, true, "--keylog").close();
            return new KeyLog(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    /**
     * The key log line (no line end) for one secret, exactly as {@code --keylog} writes it and the capture's
     * Decryption Secrets Block holds it: {@code LABEL <client random hex> <secret hex>}.
     */
    public static String line(String label, byte[] clientRandom, byte[] secret) {
        return label + " " + io.rdpprobe.protocol.codec.Wire.hex(clientRandom) + " " + io.rdpprobe.protocol.codec.Wire.hex(secret);
    }

    @Override
    public synchronized void write(String label, byte[] clientRandom, byte[] secret) {
        if (clientRandom == null || secret == null) {
            return;
        }
        String line = line(label, clientRandom, secret) + "\n";
        try (java.io.OutputStream out = io.rdpprobe.files.OutputFiles.append(file, true)) {
            out.write(line.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> labels13() {
        return List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET");
    }
}
