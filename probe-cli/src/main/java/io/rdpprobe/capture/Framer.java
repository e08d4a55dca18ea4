package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tpkt.FrameProbe;

/**
 * Splits one reassembled direction into RDP frames (TPKT, fast-path, TLS records) with {@link FrameProbe}. Frames
 * the handler does not want are skipped by length without being buffered, so memory stays at one frame per
 * direction. A capture gap inside a skipped frame keeps the framing; a gap elsewhere ends it.
 *
 * <p>In-order bytes are framed where they lie: while no partial frame is held, frames are read from a reused view
 * over the caller's array (no copy, no allocation per segment), and only the tail of a frame that does not end in
 * the segment is copied into {@code acc}. A frame (and the buffer {@link Handler#wants} and {@link Handler#bad} see)
 * is therefore only valid during the call: a handler that keeps bytes past it copies them.
 */
final class Framer {
    interface Handler {
        /** Whether the frame starting at the reader index (at least its header is readable) should be delivered whole. */
        boolean wants(ByteBuf acc, int frameLength);

        /** One whole frame (a view valid during the call only). */
        void frame(ByteBuf frame, long ts);

        void skipped(int firstByte, int frameLength, long ts);

        void bad(DecodeException e, ByteBuf acc, long ts);

        void framingLost(long gapBytes, long ts);
    }

    private final Handler handler;
    /** A partial frame (or header) carried over from the previous segment; empty between frames. */
    private ByteBuf acc = Unpooled.buffer(0);
    /** The view over the caller's bytes while {@code acc} is empty, re-pointed per call (wrapped again only when the caller's array changes). */
    private ByteBuf view = Unpooled.EMPTY_BUFFER;
    private byte[] viewArray;
    private long skip;
    private boolean dead;

    Framer(Handler handler) {
        this.handler = handler;
    }

    boolean dead() {
        return dead;
    }

    /**
     * How many of the next in-order bytes this framer will drop unseen: the rest of a frame it skips (0 when it is
     * between frames or holds a partial one), or {@link Long#MAX_VALUE} once it stopped.
     */
    long skippable() {
        return dead ? Long.MAX_VALUE : skip;
    }

    /**
     * In-order bytes the stream did not deliver because {@link #skippable} covered them. Should they run past the
     * skipped frame (only if bytes held out of order differ from those that later filled the hole before them),
     * the rest is unknown to this framer and counts as a capture gap.
     */
    void skipCounted(long n, long ts) {
        if (dead) {
            return;
        }
        if (n <= skip) {
            skip -= n;
            return;
        }
        long over = n - skip;
        skip = 0;
        gap(over, ts);
    }

    void stop() {
        dead = true;
        acc.release();
        acc = Unpooled.EMPTY_BUFFER;
        view = Unpooled.EMPTY_BUFFER;
        viewArray = null;
    }

    void feed(byte[] b, int off, int len, long ts) {
        while (len > 0 && !dead) {
            if (skip > 0) {
                int n = (int) Math.min(skip, len);
                skip -= n;
                off += n;
                len -= n;
                continue;
            }
            if (!acc.isReadable()) {
                ByteBuf v = view(b, off, len);
                process(v, ts);
                if (!dead && v.isReadable()) {
                    acc.clear();
                    acc.writeBytes(v); // the start of a frame that ends in a later segment
                }
                return;
            }
            // acc holds the start of a frame: copy only the rest of it when its length is known, then go on in place
            int need = rest();
            if (need <= 0 || need >= len) {
                acc.writeBytes(b, off, len);
                process(acc, ts);
                compact();
                return;
            }
            acc.writeBytes(b, off, need);
            off += need;
            len -= need;
            process(acc, ts);
            if (dead) {
                return;
            }
            if (acc.isReadable()) { // the handler changed its mind about the frame: keep to the copying path
                acc.writeBytes(b, off, len);
                process(acc, ts);
                compact();
                return;
            }
            acc.clear();
        }
    }

    /** Bytes still missing from the frame held in {@code acc}, or -1 when its header is incomplete (or bad). */
    private int rest() {
        int fl;
        try {
            fl = FrameProbe.frameLength(acc);
        } catch (DecodeException e) {
            return -1; // the copying path reports it, with every byte of the segment held as before
        }
        return fl == FrameProbe.NEED_MORE ? -1 : fl - acc.readableBytes();
    }

    private ByteBuf view(byte[] b, int off, int len) {
        if (b != viewArray) {
            viewArray = b;
            view = Unpooled.wrappedBuffer(b);
        }
        return view.setIndex(off, off + len);
    }

    void gap(long bytes, long ts) {
        if (dead) {
            return;
        }
        if (skip >= bytes) {
            skip -= bytes;
            return;
        }
        stop();
        handler.framingLost(bytes, ts);
    }

    /** Frames whole frames out of {@code buf}; leaves a partial wanted frame (or header) readable in it. */
    private void process(ByteBuf buf, long ts) {
        while (!dead && buf.isReadable()) {
            int fl;
            try {
                fl = FrameProbe.frameLength(buf);
            } catch (DecodeException e) {
                handler.bad(e, buf, ts);
                stop();
                return;
            }
            if (fl == FrameProbe.NEED_MORE) {
                break;
            }
            int have = buf.readableBytes();
            int first = buf.getUnsignedByte(buf.readerIndex());
            boolean wanted = handler.wants(buf, fl);
            if (dead) {
                return; // the handler gave up on this direction
            }
            if (!wanted) {
                handler.skipped(first, fl, ts);
                if (dead) {
                    return;
                }
                if (have >= fl) {
                    buf.skipBytes(fl);
                    continue;
                }
                skip = fl - have;
                buf.skipBytes(have);
                break;
            }
            if (have < fl) {
                break;
            }
            ByteBuf frame = buf.readSlice(fl);
            handler.frame(frame, ts);
        }
    }

    private void compact() {
        if (!dead) {
            if (!acc.isReadable()) {
                acc.clear();
            } else if (acc.readerIndex() > 4096) {
                acc.discardReadBytes();
            }
        }
    }
}
