package io.rdpprobe.protocol.tpkt;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer targets for the frame classifier and the TPKT header (issue 15). */
class TpktFuzzTest {
    @FuzzTest
    void frameProbe(byte[] in) {
        decode(in, b -> {
            FrameKind k = FrameProbe.classify(b);
            int len = FrameProbe.frameLength(b);
            if (b.readerIndex() != 0) {
                throw new AssertionError("FrameProbe consumed bytes");
            }
            if (len != FrameProbe.NEED_MORE && len < 2) {
                throw new AssertionError(k + " frame length " + len);
            }
            return k;
        });
    }

    @FuzzTest
    void tpktHeader(byte[] in) {
        decode(in, TpktHeader::frameLength);
        roundTrip(in, TpktHeader::decode, TpktHeader::encode);
    }
}
