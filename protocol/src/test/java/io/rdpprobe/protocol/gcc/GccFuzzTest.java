package io.rdpprobe.protocol.gcc;

import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer targets for the T.124 Conference Create PDUs and the GCC data blocks (issue 15). */
class GccFuzzTest {
    @FuzzTest
    void conferenceCreateResponse(byte[] in) {
        roundTrip(in, ConferenceCreateResponse::decode, ConferenceCreateResponse::encode);
    }

    @FuzzTest
    void conferenceCreateRequest(byte[] in) {
        roundTrip(in, ConferenceCreateRequest::decode, ConferenceCreateRequest::encode);
    }

    /** Server core, security (with the proprietary or X.509 certificate), network, message channel and multitransport. */
    @FuzzTest
    void serverData(byte[] in) {
        roundTrip(in, ServerData::decode, ServerData::encode);
    }

    @FuzzTest
    void clientData(byte[] in) {
        roundTrip(in, ClientData::decode, ClientData::encode);
    }
}
