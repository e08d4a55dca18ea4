package io.rdpprobe.protocol.gcc;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.protocol.codec.Named;
import io.rdpprobe.protocol.codec.WindowsBuilds;
import io.rdpprobe.protocol.ntlm.NtlmVersion;
import io.rdpprobe.protocol.rdp.CapabilitySet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 18 #14: the naming tables the live probe and the capture analyser share, with the raw value beside. */
class NamedValuesTest {
    @Test
    void windowsXpClientAsOtherAnalysersNameIt() {
        assertThat(Named.value(new RdpVersion(0x00080004).name(), 0x00080004, 8)).isEqualTo("RDP 5.0-8.1 (0x00080004)");
        assertThat(WindowsBuilds.describe(2600)).isEqualTo("Windows XP (build 2600)");
        assertThat(WindowsBuilds.describe(12345)).isEqualTo("unknown (build 12345)");
        assertThat(Named.flags(ClientCoreData.earlyCapabilityNames(0x0001), 0x0001, 4))
                .isEqualTo("RNS_UD_CS_SUPPORT_ERRINFO_PDU (0x0001)");
        assertThat(Named.flags(ClientCoreData.earlyCapabilityNames(0x9000), 0x9000, 4)).isEqualTo("0x9000 (0x9000)");
        assertThat(Named.flags(List.of(), 0, 4)).isEqualTo("none (0x0000)");
    }

    @Test
    void flagSetsAndCodes() {
        assertThat(ClientCoreData.supportedColorDepthNames(0x0b))
                .containsExactly("RNS_UD_24BPP_SUPPORT", "RNS_UD_16BPP_SUPPORT", "RNS_UD_32BPP_SUPPORT");
        assertThat(ServerCoreData.earlyCapabilityNames(0x9)).containsExactly("RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1",
                "RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED");
        assertThat(ClientClusterData.flagNames(0x0d)).containsExactly("REDIRECTION_SUPPORTED", "REDIRECTION_VERSION4");
        assertThat(CapabilitySet.General.extraFlagNames(0x041d)).containsExactly("FASTPATH_OUTPUT_SUPPORTED",
                "LONG_CREDENTIALS_SUPPORTED", "AUTORECONNECT_SUPPORTED", "ENC_SALTED_CHECKSUM", "NO_BITMAP_COMPRESSION_HDR");
        assertThat(CapabilitySet.General.extraFlagNames(0x8001)).containsExactly("FASTPATH_OUTPUT_SUPPORTED", "0x8000");
        assertThat(ConferenceCreateResponse.resultName(1)).isEqualTo("userRejected");
        assertThat(Named.value(new EncryptionLevel(3).name(), 3, 8)).isEqualTo("ENCRYPTION_LEVEL_HIGH (0x00000003)");
    }

    @Test
    void ntlmVersionNamesComeFromTheSameBuildTable() {
        assertThat(new NtlmVersion(10, 0, 17763, 15).windowsName()).isEqualTo("Windows 10 1809 / Server 2019 (10.0 build 17763)");
        assertThat(new NtlmVersion(10, 0, 12345, 15).windowsName()).isEqualTo("Windows 10 / Server 2016+ (10.0 build 12345)");
        assertThat(new NtlmVersion(6, 1, 7601, 15).windowsName()).isEqualTo("Windows 7 / Server 2008 R2 (6.1 build 7601)");
    }
}
