package io.rdpprobe.scan;

import com.fasterxml.jackson.core.type.TypeReference;
import io.rdpprobe.report.ReportJson;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code --resume FILE}: the JSON Lines output of an interrupted scan. Every complete row names a target already
 * probed; a last row cut off by the interrupt (no line end, or not JSON) is dropped from the file, so that the
 * resumed scan appends whole rows after whole rows.
 */
public final class ResumeFile {
    private ResumeFile() {}

    /** What a file held. */
    public record Done(Set<String> keys, int rows, boolean truncatedTail) {}

    /** The key of a JSON Lines row, equal to {@link ScanTarget#key()} of the target it reports. */
    public static String key(Map<String, Object> row) {
        Object gw = row.get("gateway");
        return String.valueOf(row.get("target")).toLowerCase(java.util.Locale.ROOT)
                + (gw == null ? "" : " via " + String.valueOf(gw).toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * Reads {@code file} (a missing or empty file holds nothing), hands each complete row to {@code rows}, and cuts
     * a broken last row off the file.
     */
    public static Done read(Path file, Consumer<Map<String, Object>> rows) {
        Set<String> keys = new HashSet<>();
        if (!Files.exists(file)) {
            return new Done(keys, 0, false);
        }
        long goodEnd = 0;
        long pos = 0;
        int n = 0;
        boolean broken = false;
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            StringBuilder line = new StringBuilder();
            int c;
            while (true) {
                c = r.read();
                if (c < 0) {
                    break;
                }
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                long lineBytes = line.toString().getBytes(StandardCharsets.UTF_8).length + 1L;
                Map<String, Object> row = parse(line.toString());
                if (row == null) {
                    if (!line.toString().isBlank()) {
                        broken = true;
                        break; // a damaged row: keep what precedes it
                    }
                } else {
                    keys.add(key(row));
                    rows.accept(row);
                    n++;
                }
                pos += lineBytes;
                goodEnd = pos;
                line.setLength(0);
            }
            if (line.length() > 0) {
                Map<String, Object> row = parse(line.toString());
                broken = true;
                if (row != null) {
                    // a complete row that only lacks its line end: keep it, and add the end
                    keys.add(key(row));
                    rows.accept(row);
                    n++;
                    goodEnd = -1;
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --resume " + file + ": " + e.getMessage());
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            if (goodEnd < 0) {
                raf.seek(raf.length());
                raf.write('\n');
            } else if (broken && goodEnd < raf.length()) {
                raf.setLength(goodEnd);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot repair --resume " + file + ": " + e.getMessage());
        }
        return new Done(keys, n, broken);
    }

    private static Map<String, Object> parse(String line) {
        if (line.isBlank()) {
            return null;
        }
        try {
            Map<String, Object> m = ReportJson.mapper().readValue(line, new TypeReference<Map<String, Object>>() {});
            return m != null && m.get("target") != null ? m : null;
        } catch (IOException e) {
            return null;
        }
    }
}
