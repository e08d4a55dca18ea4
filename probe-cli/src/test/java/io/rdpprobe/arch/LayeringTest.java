package io.rdpprobe.arch;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.model.Report;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package layering of design-review 2.4, read from the compiled classes' constant pools (every class,
 * field and method type a class refers to is a UTF-8 constant there, so a fully-qualified use counts as much
 * as an import): the renderers in {@code io.rdpprobe.report} depend on the model, never the reverse.
 */
class LayeringTest {

    @Test
    void probeNeverRefersToTheRenderers() throws IOException {
        assertThat(violations("io/rdpprobe/probe", List.of("io/rdpprobe/report/", "io/rdpprobe/cli/")))
                .as("classes under io.rdpprobe.probe referring to io.rdpprobe.report or io.rdpprobe.cli").isEmpty();
    }

    /** The model is data: it refers to nothing of the project but itself and the protocol codecs, nor to Jackson. */
    @Test
    void theModelRefersOnlyToItselfAndTheProtocol() throws IOException {
        List<String> bad = new ArrayList<>();
        for (Path c : classes("io/rdpprobe/probe/model")) {
            for (String ref : utf8Constants(c)) {
                for (String name : classNames(ref)) {
                    boolean project = name.startsWith("io/rdpprobe/");
                    boolean allowed = name.startsWith("io/rdpprobe/probe/model/") || name.startsWith("io/rdpprobe/protocol/");
                    if ((project && !allowed) || name.startsWith("com/fasterxml/")) {
                        bad.add(root().relativize(c) + " -> " + name);
                    }
                }
            }
        }
        assertThat(bad).as("the model referring to renderers or other packages").isEmpty();
    }

    /** The check itself sees a reference: the renderer refers to the model. */
    @Test
    void theScanSeesAReferenceWhereThereIsOne() throws IOException {
        assertThat(violations("io/rdpprobe/report", List.of("io/rdpprobe/probe/model/"))).isNotEmpty();
    }

    private static List<String> violations(String pkg, List<String> forbidden) throws IOException {
        List<Path> cs = classes(pkg);
        assertThat(cs).as("compiled classes under " + pkg).isNotEmpty();
        List<String> bad = new ArrayList<>();
        for (Path c : cs) {
            for (String ref : utf8Constants(c)) {
                for (String f : forbidden) {
                    if (ref.contains(f)) {
                        bad.add(root().relativize(c) + " -> " + ref);
                    }
                }
            }
        }
        return bad;
    }

    /** The internal class names in one constant: a name, or every {@code Lname;} of a descriptor or signature. */
    private static List<String> classNames(String ref) {
        List<String> out = new ArrayList<>();
        int i = ref.indexOf('L');
        if (!ref.contains(";")) {
            out.add(ref);
            return out;
        }
        while (i >= 0) {
            int end = ref.indexOf(';', i);
            int lt = ref.indexOf('<', i);
            if (end < 0) {
                break;
            }
            out.add(ref.substring(i + 1, lt > i && lt < end ? lt : end));
            i = ref.indexOf('L', end);
        }
        return out;
    }

    private static Path root() {
        try {
            return Path.of(Report.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> classes(String pkg) throws IOException {
        try (Stream<Path> s = Files.walk(root().resolve(pkg))) {
            return s.filter(p -> p.toString().endsWith(".class")).sorted().toList();
        }
    }

    /** The CONSTANT_Utf8 entries of a class file (JVMS 4.4). */
    static TreeSet<String> utf8Constants(Path classFile) throws IOException {
        TreeSet<String> out = new TreeSet<>();
        try (InputStream in = Files.newInputStream(classFile); DataInputStream d = new DataInputStream(in)) {
            if (d.readInt() != 0xCAFEBABE) {
                throw new IOException(classFile + ": not a class file");
            }
            d.readUnsignedShort();
            d.readUnsignedShort();
            int n = d.readUnsignedShort();
            for (int i = 1; i < n; i++) {
                int tag = d.readUnsignedByte();
                switch (tag) {
                    case 1 -> out.add(d.readUTF());
                    case 7, 8, 16, 19, 20 -> d.readUnsignedShort();
                    case 15 -> { d.readUnsignedByte(); d.readUnsignedShort(); }
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> d.readInt();
                    case 5, 6 -> { d.readLong(); i++; }
                    default -> throw new IOException(classFile + ": constant pool tag " + tag);
                }
            }
        }
        return out;
    }
}
