package io.rdpprobe.capture;

import io.netty.buffer.ByteBuf;

/** Fills {@link GccFields} from the MCS connect PDUs (MCS bytes after TPKT + X.224 DT). */
final class GccDecoding {
    private GccDecoding() {}

    static void connectInitial(ByteBuf mcs, GccFields out) {
        // filled once the io.rdpprobe.protocol.{mcs,gcc} decoders are merged
    }

    static void connectResponse(ByteBuf mcs, GccFields out) {
    }
}
