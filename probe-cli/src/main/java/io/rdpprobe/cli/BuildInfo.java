package io.rdpprobe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The tool's version and the git commit it was built from, read from {@code io/rdpprobe/build.properties}, which the
 * build writes (probe-cli/pom.xml, maven-antrun-plugin: {@code git rev-parse} at generate-resources). Outside a git
 * checkout, or without git, the commit is "unknown"; without the resource (classes run from an IDE) both are.
 *
 * @param version the Maven project version, e.g. 0.1.0-SNAPSHOT
 * @param commit  the abbreviated commit id, "+dirty" appended when tracked files had changes, or "unknown"
 */
public record BuildInfo(String version, String commit) {
    static final String RESOURCE = "/io/rdpprobe/build.properties";
    private static final BuildInfo CURRENT = load();

    public static BuildInfo current() {
        return CURRENT;
    }

    static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown, below
        }
        String commit = clean(p.getProperty("commit"));
        if (!"unknown".equals(commit) && "true".equals(p.getProperty("dirty"))) {
            commit += "+dirty";
        }
        return new BuildInfo(clean(p.getProperty("version")), commit);
    }

    private static String clean(String v) {
        return v == null || v.isBlank() || v.contains("${") ? "unknown" : v.strip();
    }

    /** "rdp-probe 0.1.0-SNAPSHOT (commit 1a2b3c4d5e6f)". */
    public String line() {
        return "rdp-probe " + version + " (commit " + commit + ")";
    }
}
