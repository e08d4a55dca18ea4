package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;

/**
 * Handshake messages of one direction out of the bodies of its plaintext handshake records (RFC 8446 5.1: a
 * message may span records, and one record may hold several). Feed each record body; every complete message
 * is handed to the {@link Sink} with its type and body (a slice valid during the call). At most
 * {@code maxBuffered} bytes are held; a larger message throws {@link DecodeException}, as does a malformed
 * header, after which the buffered bytes are dropped. Not thread-safe; {@link #release()} frees the buffer.
 */
public final class HandshakeReassembler {
    /** Receives one complete handshake message; {@code totalLength} includes its 4-byte header. */
    public interface Sink {
        void message(int type, ByteBuf body, int totalLength);
    }

    private final int maxBuffered;
    private ByteBuf buf;

    public HandshakeReassembler(int maxBuffered) {
        this.maxBuffered = maxBuffered;
    }

    public void feed(ByteBuf recordBody, Sink sink) {
        if (buf == null) {
            buf = Unpooled.buffer(recordBody.readableBytes());
        }
        if (buf.readableBytes() + recordBody.readableBytes() > maxBuffered) {
            buf.clear();
            throw DecodeException.badLength(Layer.TLS, "handshake message", 0,
                    "handshake message larger than " + maxBuffered + " bytes");
        }
        buf.writeBytes(recordBody, recordBody.readerIndex(), recordBody.readableBytes());
        while (buf.readableBytes() >= HandshakeHeader.SIZE) {
            int len = buf.getUnsignedMedium(buf.readerIndex() + 1);
            if (buf.readableBytes() < HandshakeHeader.SIZE + len) {
                break;
            }
            int type = buf.getUnsignedByte(buf.readerIndex());
            try {
                HandshakeHeader.decode(buf);
            } catch (DecodeException e) {
                buf.clear();
                throw e;
            }
            ByteBuf body = buf.readSlice(len);
            sink.message(type, body, HandshakeHeader.SIZE + len);
        }
        buf.discardReadBytes();
    }

    /** Whether part of a message is waiting for the next record. */
    public boolean pending() {
        return buf != null && buf.isReadable();
    }

    public void clear() {
        if (buf != null) {
            buf.clear();
        }
    }

    public void release() {
        if (buf != null) {
            buf.release();
            buf = null;
        }
    }
}
