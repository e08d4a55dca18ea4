package io.rdpprobe.probe.tls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.regex.Pattern;

/**
 * NSS key log writer (the SSLKEYLOGFILE format tshark reads). Appends to an existing key log; refuses to
 * touch a file with other content unless forced.
 */
public final class KeyLog {
    private static final Pattern LINE = Pattern.compile("^(#.*|[A-Z_0-9]+ [0-9a-fA-F]+ [0-9a-fA-F]+)?$");
    private final Path file;

    private KeyLog(Path file) {
        this.file = file;
    }

    /**
     * Opens {@code file} for appending key log lines.
     *
     * @throws IllegalArgumentException when the file holds something other than a key log and {@code force} is off
     */
    public static KeyLog open(Path file, boolean force) {
        try {
            if (Files.exists(file) && Files.size(file) > 0) {
                boolean isKeyLog;
                try {
                    isKeyLog = Files.readAllLines(file, StandardCharsets.US_ASCII).stream().allMatch(l -> LINE.matcher(l).matches());
                } catch (IOException | java.io.UncheckedIOException e) {
                    isKeyLog = false;
                }
                if (!isKeyLog) {
                    if (!force) {
                        throw new IllegalArgumentException(file + " exists and is not a key log; use --force to overwrite it");
                    }
                    Files.writeString(file, "", StandardOpenOption.TRUNCATE_EXISTING);
                }
            }
            return new KeyLog(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Path file() {
        return file;
    }

    public synchronized void write(String label, byte[] clientRandom, byte[] secret) {
        if (clientRandom == null || secret == null) {
            return;
        }
        String line = label + " " + io.rdpprobe.protocol.codec.Wire.hex(clientRandom) + " "
                + io.rdpprobe.protocol.codec.Wire.hex(secret) + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> labels13() {
        return List.of("CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0",
                "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET");
    }
}
