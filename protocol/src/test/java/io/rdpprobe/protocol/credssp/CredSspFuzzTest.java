package io.rdpprobe.protocol.credssp;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;

/** Jazzer targets for the CredSSP DER structures (issue 15). */
class CredSspFuzzTest {
    @FuzzTest
    void tsRequest(byte[] in) {
        decode(in, TsRequest::frameLength);
        TsRequest r = roundTrip(in, TsRequest::decode, TsRequest::encode);
        if (r != null) r.status();
    }

    /** TSCredentials, TSPasswordCreds and the early user authorization result; the first byte picks one. */
    @FuzzTest
    void credentials(byte[] in) {
        if (in.length == 0) return;
        byte[] rest = Arrays.copyOfRange(in, 1, in.length);
        switch ((in[0] & 0xFF) % 3) {
            case 0 -> roundTrip(rest, TsCredentials::decode, TsCredentials::encode);
            case 1 -> roundTrip(rest, TsPasswordCreds::decode, TsPasswordCreds::encode);
            default -> roundTrip(rest, EarlyUserAuthResult::decode, EarlyUserAuthResult::encode);
        }
    }
}
