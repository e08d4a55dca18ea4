package io.rdpprobe.protocol.mcs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Test support: hex fixtures under ../testdata/fixtures and the truncation / garbage checks. */
public final class Fixtures {
    private Fixtures() {}

    public static Path root() {
        return Path.of("..", "testdata", "fixtures");
    }

    /** Reads a fixture, checking the provenance line. */
    public static byte[] hex(String name) {
        try {
            var lines = Files.readAllLines(root().resolve(name));
            assertThat(lines.get(0)).as("provenance line of " + name).startsWith("#");
            return Wire.unhex(lines.stream().filter(l -> !l.startsWith("#")).collect(Collectors.joining()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ByteBuf buf(byte[] b) {
        return Unpooled.wrappedBuffer(b);
    }

    public static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    /** Every strict prefix must fail with NOT_ENOUGH_BYTES or INVALID_LENGTH. */
    public static void assertTruncationsFail(byte[] full, Consumer<ByteBuf> decoder) {
        for (int n = 0; n < full.length; n++) {
            byte[] p = java.util.Arrays.copyOf(full, n);
            int len = n;
            assertThatThrownBy(() -> decoder.accept(Unpooled.wrappedBuffer(p)))
                    .as("prefix of %d/%d bytes", len, full.length)
                    .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind())
                            .isIn(DecodeException.Kind.NOT_ENOUGH_BYTES, DecodeException.Kind.INVALID_LENGTH));
        }
    }

    /** Random bytes and random mutations of {@code seed} raise nothing but DecodeException. */
    public static void assertGarbageOnlyDecodeException(byte[] seed, int iterations, Consumer<ByteBuf> decoder) {
        Random r = new Random(0x5eed);
        for (int i = 0; i < iterations; i++) {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[r.nextInt(64)];
                r.nextBytes(in);
            } else {
                in = seed.clone();
                for (int k = 0; k < 1 + r.nextInt(4); k++) {
                    in[r.nextInt(in.length)] = (byte) r.nextInt(256);
                }
            }
            try {
                decoder.accept(Unpooled.wrappedBuffer(in));
            } catch (DecodeException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("iteration " + i + " threw " + e + " for " + Wire.hex(in), e);
            }
        }
    }
}
