package io.rdpprobe.protocol.ntlm;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer targets for the NTLM messages and AV pairs (issue 15). */
class NtlmFuzzTest {
    @FuzzTest
    void challenge(byte[] in) {
        ChallengeMessage c = roundTrip(in, ChallengeMessage::decode, ChallengeMessage::encode);
        if (c != null) c.toString();
    }

    @FuzzTest
    void authenticate(byte[] in) {
        roundTrip(in, AuthenticateMessage::decode, AuthenticateMessage::encode);
    }

    @FuzzTest
    void negotiate(byte[] in) {
        roundTrip(in, NegotiateMessage::decode, NegotiateMessage::encode);
    }

    @FuzzTest
    void avPairs(byte[] in) {
        AvPairs p = roundTrip(in, AvPairs::decode, AvPairs::encode);
        if (p != null) p.toString();
        decode(in, Ntlmv2Response::decode);
    }
}
