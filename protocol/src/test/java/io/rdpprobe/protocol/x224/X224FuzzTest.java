package io.rdpprobe.protocol.x224;

import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer target for every X.224 TPDU in its TPKT (issue 15). */
class X224FuzzTest {
    @FuzzTest
    void x224Tpdu(byte[] in) {
        roundTrip(in, X224Tpdu::decode, X224Tpdu::encode);
    }
}
