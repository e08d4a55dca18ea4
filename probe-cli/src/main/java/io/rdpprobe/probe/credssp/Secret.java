package io.rdpprobe.probe.credssp;

import java.util.Arrays;

/**
 * A password held as a char[] that never prints: {@link #toString()} is {@code ***}. {@link #clear()} zeroes
 * it. Keep it out of evidence, logs and exception messages.
 */
public final class Secret implements AutoCloseable {
    private final char[] chars;
    private boolean cleared;

    private Secret(char[] chars) {
        this.chars = chars;
    }

    /** Copies {@code chars}; the caller may clear its own array afterwards. */
    public static Secret of(char[] chars) {
        return new Secret(chars.clone());
    }

    /** A copy of the characters; clear it after use. */
    public char[] chars() {
        if (cleared) {
            throw new IllegalStateException("secret already cleared");
        }
        return chars.clone();
    }

    public boolean isEmpty() {
        return chars.length == 0;
    }

    public boolean isCleared() {
        return cleared;
    }

    public void clear() {
        Arrays.fill(chars, '\0');
        cleared = true;
    }

    @Override
    public void close() {
        clear();
    }

    @Override
    public String toString() {
        return "***";
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
