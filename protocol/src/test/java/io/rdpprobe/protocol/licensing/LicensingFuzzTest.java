package io.rdpprobe.protocol.licensing;

import static io.rdpprobe.protocol.testutil.FuzzOracle.checkRoundTrip;
import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;

/** Jazzer targets for the licensing PDUs (issue 15). */
class LicensingFuzzTest {
    /** Preamble plus ERROR_ALERT or LICENSE_REQUEST; each decoded message must survive its own round trip. */
    @FuzzTest
    void licensePdu(byte[] in) {
        LicensePdu p = decode(in, LicensePdu::decode);
        if (p == null) return;
        if (p.errorMessage() != null) {
            checkRoundTrip(p.errorMessage(), LicenseErrorMessage::decode, LicenseErrorMessage::encode);
        }
        if (p.licenseRequest() != null) {
            checkRoundTrip(p.licenseRequest(), LicenseRequest::decode, LicenseRequest::encode);
        }
    }

    @FuzzTest
    void clientNewLicenseRequest(byte[] in) {
        roundTrip(in, ClientNewLicenseRequest::decode, ClientNewLicenseRequest::encode);
        decode(in, ClientNewLicenseRequest::decodePdu);
    }
}
