package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;

/**
 * How the connector delimits its next inbound PDU (IronRDP's {@code next_pdu_hint}): a pure function over
 * the accumulated bytes that never consumes them. Each {@link ConnectorState} names its own hint: the X.224
 * TPKT for the Connection Confirm, a DER TSRequest (or the 4-byte Early User Authorization Result) in
 * CredSSP, TPKT or fast-path in the session, and {@link #NONE} while no input is expected (DNS, TCP, and the
 * TLS handshake, which the driver runs).
 */
public interface FrameHint {
    /** Returned by {@link #frameLength} when the bytes do not hold a complete header yet. */
    int NEED_MORE = -1;

    /** No PDU is expected: bytes that arrive are left alone. */
    FrameHint NONE = new FrameHint() {
        @Override
        public int frameLength(ByteBuf in) {
            return NEED_MORE;
        }

        @Override
        public String toString() {
            return "none";
        }
    };

    /**
     * The length of the frame that starts at {@code in.readerIndex()}, or {@link #NEED_MORE}.
     *
     * @throws DecodeException when the bytes cannot start a frame of this kind
     */
    int frameLength(ByteBuf in);

    /** The largest frame accepted; a longer announced length is a verdict, not a wait. */
    default int maxLength() {
        return Integer.MAX_VALUE;
    }
}
