package io.rdpprobe.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a password from an environment variable, a file or stdin: never from argv, never echoed. */
final class Passwords {
    private Passwords() {}

    static char[] read(String env, Path file, boolean stdin) {
        if (env != null) {
            String v = System.getenv(env);
            if (v == null) {
                // a value that is not a variable name may be the password itself, typed in the wrong place: never echo it
                throw new IllegalArgumentException(env.matches("[A-Za-z_][A-Za-z0-9_]*")
                        ? "environment variable " + env + " is not set"
                        : "the environment variable named by the -env option is not set, and that name is not a valid "
                                + "variable name: give the NAME of a variable that holds the secret, not the secret");
            }
            return v.toCharArray();
        }
        if (file != null) {
            try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                return firstLine(r, "--password-file " + file);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --password-file " + file + ": " + e.getMessage());
            }
        }
        if (stdin) {
            try {
                BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                return firstLine(r, "standard input");
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the password from standard input: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException("no password source");
    }

    /** The first line without its line ending, read character by character so no String holds it. */
    private static char[] firstLine(BufferedReader r, String what) throws IOException {
        char[] buf = new char[256];
        int n = 0;
        int c;
        while ((c = r.read()) >= 0 && c != '\n') {
            if (n == buf.length) {
                char[] bigger = java.util.Arrays.copyOf(buf, buf.length * 2);
                java.util.Arrays.fill(buf, '\0');
                buf = bigger;
            }
            buf[n++] = (char) c;
        }
        if (n > 0 && buf[n - 1] == '\r') {
            n--;
        }
        if (n == 0 && c < 0) {
            throw new IllegalArgumentException("no password in " + what);
        }
        char[] out = java.util.Arrays.copyOf(buf, n);
        java.util.Arrays.fill(buf, '\0');
        return out;
    }
}
