package io.rdpprobe.protocol.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * Malformed or truncated input. It names the {@link Layer}, the field being read and the offset (the
 * reader index of the buffer the decoder was given, which callers slice so that 0 is the start of the
 * PDU). Decoders throw this and nothing else on bad input: never an {@link IndexOutOfBoundsException}.
 *
 * <p>Unchecked so that records and lambdas stay readable; every public {@code decode} documents it.
 */
public final class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** At most this many bytes of context are kept, so an exception never pins a large buffer. */
    public static final int MAX_CONTEXT_BYTES = 32;

    /** What went wrong, for callers that map decode errors onto verdicts. */
    public enum Kind {
        /** The input ended before the field could be read; more bytes may fix it. */
        NOT_ENOUGH_BYTES,
        /** A length field points outside its container or beyond a limit. */
        INVALID_LENGTH,
        /** A field holds a value the specification does not allow here. */
        INVALID_FIELD,
        /** A type or code byte names a different PDU than the one expected. */
        UNEXPECTED_TYPE
    }

    private final Layer layer;
    private final Kind kind;
    private final String field;
    private final int offset;
    private final String detail;
    private final byte[] context;

    public DecodeException(Layer layer, Kind kind, String field, int offset, String detail, byte[] context) {
        super(format(layer, kind, field, offset, detail));
        this.layer = layer;
        this.kind = kind;
        this.field = field;
        this.offset = offset;
        this.detail = detail;
        this.context = context == null ? new byte[0] : context;
    }

    public DecodeException(Layer layer, Kind kind, String field, int offset, String detail) {
        this(layer, kind, field, offset, detail, null);
    }

    private static String format(Layer layer, Kind kind, String field, int offset, String detail) {
        return layer + ": " + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                + " in field " + field + " at offset " + offset + (detail == null || detail.isEmpty() ? "" : ": " + detail);
    }

    /** Shortcut for a truncated field. */
    public static DecodeException notEnough(Layer layer, String field, ByteBuf buf, int needed) {
        return new DecodeException(layer, Kind.NOT_ENOUGH_BYTES, field, buf.readerIndex(),
                "needs " + needed + " byte(s), " + buf.readableBytes() + " available", snapshot(buf));
    }

    public static DecodeException invalid(Layer layer, String field, int offset, String detail) {
        return new DecodeException(layer, Kind.INVALID_FIELD, field, offset, detail);
    }

    public static DecodeException badLength(Layer layer, String field, int offset, String detail) {
        return new DecodeException(layer, Kind.INVALID_LENGTH, field, offset, detail);
    }

    public static DecodeException unexpected(Layer layer, String field, int offset, String detail) {
        return new DecodeException(layer, Kind.UNEXPECTED_TYPE, field, offset, detail);
    }

    /** Copies at most {@link #MAX_CONTEXT_BYTES} readable bytes without moving the reader index. */
    public static byte[] snapshot(ByteBuf buf) {
        int n = Math.min(MAX_CONTEXT_BYTES, buf.readableBytes());
        return ByteBufUtil.getBytes(buf, buf.readerIndex(), n);
    }

    public Layer layer() { return layer; }
    public Kind kind() { return kind; }
    public String field() { return field; }
    public int offset() { return offset; }
    public String detail() { return detail; }
    /** Up to {@link #MAX_CONTEXT_BYTES} bytes from where decoding stopped (a copy). */
    public byte[] context() { return context.clone(); }
}
