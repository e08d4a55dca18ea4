package io.rdpprobe.protocol.licensing;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.mcs.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class LicensingTest {
    /** protocol-notes 3.4 / MS-RDPBCGR 2.2.1.12.1: the "Valid Client" licensing PDU body. */
    static final byte[] VALID_CLIENT = Wire.unhex("ff03100007000000020000000400 0000".replace(" ", ""));

    @Test
    void validClientDecodesAndRoundTrips() {
        LicensePdu p = LicensePdu.decode(buf(VALID_CLIENT));
        assertThat(p.preamble().msgTypeName()).isEqualTo("ERROR_ALERT");
        assertThat(p.preamble().version()).isEqualTo(3);
        assertThat(p.errorMessage().errorCode().name()).isEqualTo("STATUS_VALID_CLIENT");
        assertThat(p.errorMessage().stateTransition().name()).isEqualTo("ST_NO_TRANSITION");
        assertThat(p.isValidClient()).isTrue();
        byte[] again = LicensePdu.errorAlert(LicenseErrorMessage.validClient());
        again[1] = 0x03; // our encoder sets EXTENDED_ERROR_MSG_SUPPORTED; the spec example does not
        assertThat(again).isEqualTo(VALID_CLIENT);
        Fixtures.assertTruncationsFail(VALID_CLIENT, LicensePdu::decode);
    }

    @Test
    void errorCodesAndTransitionsAreOpen() {
        byte[] b = LicensePdu.errorAlert(new LicenseErrorMessage(LicenseErrorCode.ERR_NO_LICENSE_SERVER,
                StateTransition.ST_TOTAL_ABORT, new LicenseBinaryBlob(LicenseBinaryBlob.BB_ERROR_BLOB, new byte[0])));
        LicensePdu p = LicensePdu.decode(buf(b));
        assertThat(p.errorMessage().errorCode()).isEqualTo(LicenseErrorCode.ERR_NO_LICENSE_SERVER);
        assertThat(p.isValidClient()).isFalse();
        assertThat(new LicenseErrorCode(0x55).name()).isEqualTo("UNKNOWN_LICENSE_ERROR(0x00000055)");
        assertThat(new StateTransition(9).name()).startsWith("UNKNOWN");
    }

    @Test
    void licenseRequestEvidence() {
        LicenseRequest req = new LicenseRequest(new byte[32], 0x00060000, "Microsoft Corporation", "A02",
                List.of(1), 184, List.of("microsoft.com"));
        io.netty.buffer.ByteBuf body = Unpooled.buffer();
        req.encode(body);
        byte[] pdu = LicensePdu.message(LicensePreamble.LICENSE_REQUEST, io.netty.buffer.ByteBufUtil.getBytes(body));
        LicensePdu p = LicensePdu.decode(buf(pdu));
        assertThat(p.licenseRequest().companyName()).isEqualTo("Microsoft Corporation");
        assertThat(p.licenseRequest().productId()).isEqualTo("A02");
        assertThat(p.licenseRequest().keyExchangeAlgorithms()).containsExactly(1);
        assertThat(p.licenseRequest().serverCertificatePresent()).isTrue();
        assertThat(p.licenseRequest().scopes()).containsExactly("microsoft.com");
        Fixtures.assertTruncationsFail(pdu, LicensePdu::decode);
        Fixtures.assertGarbageOnlyDecodeException(pdu, 3000, LicensePdu::decode);
    }

    @Test
    void platformChallengeAndNewLicenseAreDetected() {
        assertThat(LicensePdu.decode(buf(LicensePdu.message(LicensePreamble.PLATFORM_CHALLENGE, new byte[12]))).isPlatformChallenge()).isTrue();
        assertThat(LicensePdu.decode(buf(LicensePdu.message(LicensePreamble.NEW_LICENSE, new byte[5]))).isNewOrUpgradeLicense()).isTrue();
        assertThatThrownBy(() -> LicensePdu.decode(buf(Wire.unhex("ff030200"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
    }
}
