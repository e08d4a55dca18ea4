package io.rdpprobe.probe.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.tls.TlsVersions;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The warm-up builds what the stages build, in memory only (issue 13). */
class HandshakeWarmupTest {

    @Test
    void theThrowawayClientHelloIsAWholeTlsHandshakeRecordNamingNoRealServer() throws Exception {
        byte[] hello = HandshakeWarmup.clientHello(TlsVersions.ALL);
        assertThat(hello.length).isGreaterThan(5);
        assertThat(hello[0]).isEqualTo((byte) 22); // handshake record
        int recordLength = ((hello[3] & 0xFF) << 8) | (hello[4] & 0xFF);
        assertThat(hello).hasSize(5 + recordLength);
        assertThat(hello[5]).isEqualTo((byte) 1); // ClientHello
        assertThat(new String(hello, StandardCharsets.ISO_8859_1)).contains("warm-up.invalid");
    }

    @Test
    void theNtlmWarmUpMakesANegotiateMessage() {
        byte[] negotiate = HandshakeWarmup.ntlm();
        assertThat(negotiate).isNotNull();
        assertThat(new String(negotiate, 0, 8, StandardCharsets.US_ASCII)).isEqualTo("NTLMSSP\0");
        assertThat(negotiate[8]).isEqualTo((byte) 1); // NtLmNegotiate
    }
}
