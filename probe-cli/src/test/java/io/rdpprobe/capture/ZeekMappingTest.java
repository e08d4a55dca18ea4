package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Zeek's vocabulary, including its quirks (consts.zeek), for values the Zeek captures do not cover. */
class ZeekMappingTest {
    @Test
    void keyboardLayoutExactBestGuessAndUnknown() {
        assertThat(ZeekMapping.keyboardLayout(0x409)).isEqualTo("English - United States");
        assertThat(ZeekMapping.keyboardLayout(0x0004041E)).isEqualTo("Thai (Best Guess for 263198)");
        assertThat(ZeekMapping.keyboardLayout(0x12345)).isEqualTo("keyboard-74565");
    }

    @Test
    void encryptionMethodKeepsZeeksFipsQuirk() {
        assertThat(ZeekMapping.encryptionMethod(2)).isEqualTo("128bit");
        assertThat(ZeekMapping.encryptionMethod(10)).isEqualTo("FIPS");
        assertThat(ZeekMapping.encryptionMethod(0x10)).isEqualTo("encryption_method-16");
        assertThat(ZeekMapping.encryptionLevel(2)).isEqualTo("Client compatible");
        assertThat(ZeekMapping.encryptionLevel(9)).isEqualTo("encryption_level-9");
    }

    @Test
    void buildsColorDepthsProtocolsAndResults() {
        assertThat(ZeekMapping.clientBuild(9600)).isEqualTo("RDP 8.1");
        assertThat(ZeekMapping.keyboardLayoutEvidence(0x409)).isEqualTo("English - United States (0x00000409)");
        assertThat(ZeekMapping.keyboardLayoutEvidence(0x7fffffffL)).isEqualTo("0x7fffffff");
        assertThat(ZeekMapping.clientBuild(25282)).isEqualTo("RDP 8.0 (Mac)");
        assertThat(ZeekMapping.clientBuild(19041)).isEqualTo("client_build-19041");
        assertThat(ZeekMapping.colorDepth(0x0002, 0x10)).isEqualTo("32bit");
        assertThat(ZeekMapping.colorDepth(0x0001, 0x0F)).isEqualTo("15bit");
        assertThat(ZeekMapping.colorDepth(-1, 0x18)).isEqualTo("24bit");
        assertThat(ZeekMapping.securityProtocol(8)).isEqualTo("HYBRID_EX");
        assertThat(ZeekMapping.securityProtocol(4)).isEqualTo("security_protocol-4");
        assertThat(ZeekMapping.failureCode(9)).isEqualTo("failure_code-9");
        assertThat(ZeekMapping.gccResult(1)).isEqualTo("User rejected");
    }
}
