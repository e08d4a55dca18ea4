package io.rdpprobe.protocol.ntlm;

import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads testdata/fixtures/&lt;layer&gt;/&lt;name&gt;.hex ('#' lines are comments; the first is provenance). */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        Path p = Path.of("../testdata/fixtures");
        if (!Files.isDirectory(p)) {
            p = Path.of("testdata/fixtures");
        }
        return p;
    }

    public static byte[] hex(String layer, String name) {
        try {
            List<String> lines = Files.readAllLines(root().resolve(layer).resolve(name + ".hex"));
            StringBuilder sb = new StringBuilder();
            for (String l : lines) {
                if (!l.startsWith("#")) {
                    sb.append(l);
                }
            }
            return Wire.unhex(sb);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String provenance(String layer, String name) {
        try {
            return Files.readAllLines(root().resolve(layer).resolve(name + ".hex")).get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] ntlm(String name) {
        return hex("ntlm", name);
    }
}
