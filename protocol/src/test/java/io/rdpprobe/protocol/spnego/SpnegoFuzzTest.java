package io.rdpprobe.protocol.spnego;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBufUtil;

/** Jazzer target for SPNEGO negTokenInit / negTokenResp (issue 15). */
class SpnegoFuzzTest {
    @FuzzTest
    void spnego(byte[] in) {
        decode(in, b -> Spnego.detect(ByteBufUtil.getBytes(b)));
        decode(in, b -> Spnego.innerToken(ByteBufUtil.getBytes(b)));
        roundTrip(in, b -> NegTokenInit.decode(ByteBufUtil.getBytes(b)), (v, out) -> out.writeBytes(v.toBytes()));
        roundTrip(in, b -> NegTokenResp.decode(ByteBufUtil.getBytes(b)), (v, out) -> out.writeBytes(v.toBytes()));
    }
}
