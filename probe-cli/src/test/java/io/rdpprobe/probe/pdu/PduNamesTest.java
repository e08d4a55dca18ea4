package io.rdpprobe.probe.pdu;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DisconnectReason;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Issue 17 finding 14: PDUs recorded from real servers are named by the protocol decoders. */
class PduNamesTest {
    static byte[] fixture(String name) throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "testdata", "fixtures", name));
        return Wire.unhex(lines.stream().filter(l -> !l.startsWith("#")).collect(Collectors.joining()));
    }

    @Test
    void xrdpLicensingAndDemandActiveFramesAreNamed() throws Exception {
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(fixture("licensing/xrdp-tls-license-request.hex")), false, false))
                .isEqualTo("licensing LICENSE_REQUEST");
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(fixture("licensing/xrdp-tls-valid-client.hex")), false, false))
                .startsWith("licensing ERROR_ALERT (STATUS_VALID_CLIENT");
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(fixture("licensing/xrdp-tls-demand-active.hex")), false, false))
                .isEqualTo("Demand Active PDU");
    }

    @Test
    void tsRequestsAreNamedByContentNeverByTheirBytes() throws Exception {
        assertThat(PduNames.tsRequest(Unpooled.wrappedBuffer(fixture("credssp/tsrequest-v6-errorcode-logon-failure.hex"))))
                .isEqualTo("TSRequest v6: errorCode STATUS_LOGON_FAILURE");
        assertThat(PduNames.tsRequest(Unpooled.wrappedBuffer(fixture("credssp/freerdp-2.11-shadow-challenge-v6.hex"))))
                .isEqualTo("TSRequest v6: NTLM CHALLENGE + clientNonce");
        assertThat(PduNames.tsRequest(Unpooled.wrappedBuffer(fixture("credssp/freerdp-2.11-shadow-pubkeyauth-v6.hex"))))
                .isEqualTo("TSRequest v6: pubKeyAuth + clientNonce");
        assertThat(PduNames.tsRequest(Unpooled.wrappedBuffer(new byte[] {0x30, 0x03, 0x01}))).isEqualTo("malformed TSRequest");
    }

    @Test
    void setErrorInfoAndUltimatumCarryTheirCodes() {
        byte[] sei = Mcs.sendData(true, 1002, 1003, SetErrorInfoPdu.encode(0x103ea, ErrorInfo.SERVER_DENIED_CONNECTION));
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(sei), false, false))
                .isEqualTo("Set Error Info PDU (ERRINFO_SERVER_DENIED_CONNECTION)");
        byte[] dpum = Mcs.frame(new DisconnectProviderUltimatum(DisconnectReason.PROVIDER_INITIATED));
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(dpum), false, false))
                .isEqualTo("MCS Disconnect Provider Ultimatum (rn-provider-initiated)");
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 9, 2, (byte) 0xf0, (byte) 0x80, 0x7f, 0x65}), true, false))
                .isEqualTo("MCS Connect-Initial");
        assertThat(PduNames.tpkt(Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 8, 2, (byte) 0xf0, (byte) 0x80, (byte) 0x2e}), false, false))
                .startsWith("malformed");
    }

    @Test
    void rdgPacketsAreNamedByType() {
        assertThat(PduNames.rdg(Unpooled.wrappedBuffer(new byte[] {4, 0, 0, 0, 16, 0, 0, 0}))).isEqualTo("RDG TUNNEL_CREATE");
    }
}
