package io.rdpprobe.protocol.testutil;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

/** Shared checks: every truncated prefix and random garbage raise DecodeException and nothing else. */
public final class Malformed {
    private Malformed() {}

    public static void everyPrefixFails(byte[] full, Function<ByteBuf, ?> decoder) {
        for (int n = 0; n < full.length; n++) {
            ByteBuf b = Unpooled.wrappedBuffer(Arrays.copyOf(full, n));
            try {
                Object r = decoder.apply(b);
                fail("prefix of " + n + "/" + full.length + " bytes decoded to " + r);
            } catch (DecodeException e) {
                assertThat(e.layer()).isNotNull();
                assertThat(e.field()).isNotBlank();
                assertThat(e.kind()).isIn(DecodeException.Kind.NOT_ENOUGH_BYTES, DecodeException.Kind.INVALID_LENGTH);
            }
        }
    }

    /** Random bytes, and random mutations of a valid sample: only DecodeException may escape. */
    public static void garbageOnlyThrowsDecodeException(byte[] sample, Function<ByteBuf, ?> decoder, long seed, int rounds) {
        Random rnd = new Random(seed);
        for (int i = 0; i < rounds; i++) {
            byte[] in;
            if (i % 2 == 0) {
                in = new byte[rnd.nextInt(64)];
                rnd.nextBytes(in);
            } else {
                in = sample.clone();
                int flips = 1 + rnd.nextInt(4);
                for (int f = 0; f < flips && in.length > 0; f++) {
                    in[rnd.nextInt(in.length)] = (byte) rnd.nextInt(256);
                }
            }
            try {
                decoder.apply(Unpooled.wrappedBuffer(in));
            } catch (DecodeException expected) {
                // fine
            } catch (RuntimeException e) {
                fail("input " + io.rdpprobe.protocol.codec.Wire.hex(in) + " raised " + e, e);
            }
        }
    }
}
