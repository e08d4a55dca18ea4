package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.tpkt.FrameProbe;

/**
 * Splits one reassembled direction into RDP frames (TPKT, fast-path, TLS records) with {@link FrameProbe}. Frames
 * the handler does not want are skipped by length without being buffered, so memory stays at one frame per
 * direction. A capture gap inside a skipped frame keeps the framing; a gap elsewhere ends it.
 */
final class Framer {
    interface Handler {
        /** Whether the frame starting at the reader index (at least its header is readable) should be delivered whole. */
        boolean wants(ByteBuf acc, int frameLength);

        void frame(ByteBuf frame, long ts);

        void skipped(int firstByte, int frameLength, long ts);

        void bad(DecodeException e, ByteBuf acc, long ts);

        void framingLost(long gapBytes, long ts);
    }

    private final Handler handler;
    private ByteBuf acc = Unpooled.buffer(0);
    private long skip;
    private boolean dead;

    Framer(Handler handler) {
        this.handler = handler;
    }

    boolean dead() {
        return dead;
    }

    void stop() {
        dead = true;
        acc.release();
        acc = Unpooled.EMPTY_BUFFER;
    }

    void feed(byte[] b, int off, int len, long ts) {
        if (dead) {
            return;
        }
        if (skip > 0) {
            int n = (int) Math.min(skip, len);
            skip -= n;
            off += n;
            len -= n;
            if (len == 0) {
                return;
            }
        }
        acc.writeBytes(b, off, len);
        process(ts);
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

    private void process(long ts) {
        while (!dead && acc.isReadable()) {
            int fl;
            try {
                fl = FrameProbe.frameLength(acc);
            } catch (DecodeException e) {
                handler.bad(e, acc, ts);
                stop();
                return;
            }
            if (fl == FrameProbe.NEED_MORE) {
                break;
            }
            int have = acc.readableBytes();
            int first = acc.getUnsignedByte(acc.readerIndex());
            boolean wanted = handler.wants(acc, fl);
            if (dead) {
                return; // the handler gave up on this direction
            }
            if (!wanted) {
                handler.skipped(first, fl, ts);
                if (dead) {
                    return;
                }
                if (have >= fl) {
                    acc.skipBytes(fl);
                    continue;
                }
                skip = fl - have;
                acc.clear();
                break;
            }
            if (have < fl) {
                break;
            }
            ByteBuf frame = acc.readSlice(fl);
            handler.frame(frame, ts);
        }
        if (!dead) {
            if (!acc.isReadable()) {
                acc.clear();
            } else if (acc.readerIndex() > 4096) {
                acc.discardReadBytes();
            }
        }
    }
}
