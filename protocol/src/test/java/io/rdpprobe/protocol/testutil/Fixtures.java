package io.rdpprobe.protocol.testutil;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Loads hex fixtures from testdata/fixtures ('#' lines are comments; the first one is provenance). */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        for (Path p : List.of(Path.of("../testdata/fixtures"), Path.of("testdata/fixtures"))) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return Path.of("../testdata/fixtures");
    }

    public static byte[] hex(String relative) {
        return parse(root().resolve(relative));
    }

    public static byte[] parse(Path file) {
        try {
            StringBuilder sb = new StringBuilder();
            for (String line : Files.readAllLines(file)) {
                String t = line.strip();
                if (!t.startsWith("#")) {
                    sb.append(t);
                }
            }
            return Wire.unhex(sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String provenance(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> l.startsWith("#")).findFirst().orElse("");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<Path> list(String dir, String glob) {
        Path d = root().resolve(dir);
        if (!Files.isDirectory(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            List<Path> out = new ArrayList<>();
            s.filter(p -> p.getFileSystem().getPathMatcher("glob:" + glob).matches(p.getFileName())).sorted().forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ByteBuf buf(String hex) {
        return Unpooled.wrappedBuffer(Wire.unhex(hex));
    }
}
