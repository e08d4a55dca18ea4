package io.rdpprobe.protocol.testutil;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The oracle the Jazzer {@code @FuzzTest}s share (issue 15): a decoder may only throw {@link DecodeException};
 * it may not allocate much more than its input (a length field must be checked against the bytes present,
 * not trusted); and where an encoder exists, {@code encode(decode(encode(decode(in))))} equals
 * {@code encode(decode(in))}, i.e. a decoded value re-encodes to bytes that decode to the same value.
 * Any other throwable propagates, which Jazzer reports as a finding.
 */
public final class FuzzOracle {
    private FuzzOracle() {}

    private static final com.sun.management.ThreadMXBean MX =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Fixed allowance (exception messages, snapshots, JCA/BouncyCastle objects for certificates). */
    public static final long ALLOC_SLACK = 8L << 20;
    /** Per input byte: copies, slices, strings and records that hold the decoded fields. */
    public static final long ALLOC_PER_BYTE = 64;

    /** Decodes {@code in}; returns null when the decoder rejected it with a DecodeException. */
    public static <T> T decode(byte[] in, Function<ByteBuf, T> decoder) {
        long allowed = ALLOC_SLACK + ALLOC_PER_BYTE * in.length;
        long before = MX.getCurrentThreadAllocatedBytes();
        T v = decodeOnce(in, decoder);
        if (MX.getCurrentThreadAllocatedBytes() - before > allowed) {
            // the first call of a decoder also loads and initialises its classes: measure a second, warm call
            before = MX.getCurrentThreadAllocatedBytes();
            decodeOnce(in, decoder);
            long used = MX.getCurrentThreadAllocatedBytes() - before;
            if (used > allowed) {
                throw new AssertionError("decoding " + in.length + " byte(s) allocated " + used + " byte(s) (allowed "
                        + allowed + "): a length field was trusted; input "
                        + Wire.hex(Arrays.copyOf(in, Math.min(64, in.length))));
            }
        }
        return v;
    }

    private static <T> T decodeOnce(byte[] in, Function<ByteBuf, T> decoder) {
        try {
            return decoder.apply(Unpooled.wrappedBuffer(in));
        } catch (DecodeException expected) {
            if (expected.layer() == null || expected.field() == null) {
                throw new AssertionError("DecodeException without layer or field", expected);
            }
            return null;
        }
    }

    /** {@link #decode}, then the round trip through {@code encoder} (which writes the whole PDU). */
    public static <T> T roundTrip(byte[] in, Function<ByteBuf, T> decoder, BiConsumer<T, ByteBuf> encoder) {
        T v = decode(in, decoder);
        if (v != null) {
            checkRoundTrip(v, decoder, encoder);
        }
        return v;
    }

    public static <T> void checkRoundTrip(T v, Function<ByteBuf, T> decoder, BiConsumer<T, ByteBuf> encoder) {
        byte[] once = encode(v, encoder);
        T again;
        try {
            again = decoder.apply(Unpooled.wrappedBuffer(once));
        } catch (DecodeException e) {
            throw new AssertionError("the re-encoding of " + v + " does not decode: " + Wire.hex(once), e);
        }
        byte[] twice = encode(again, encoder);
        if (!Arrays.equals(once, twice)) {
            throw new AssertionError("round trip changed the value: " + v + " -> " + again + "\n  " + Wire.hex(once)
                    + "\n  " + Wire.hex(twice));
        }
    }

    public static <T> byte[] encode(T v, BiConsumer<T, ByteBuf> encoder) {
        ByteBuf out = Unpooled.buffer();
        encoder.accept(v, out);
        return ByteBufUtil.getBytes(out);
    }

    public static BiConsumer<byte[], ByteBuf> raw() {
        return (b, out) -> out.writeBytes(b);
    }
}
