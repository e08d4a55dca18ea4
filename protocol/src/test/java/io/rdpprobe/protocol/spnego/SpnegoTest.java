package io.rdpprobe.protocol.spnego;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.ntlm.Fixtures;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SpnegoTest {
    static final byte[] CHALLENGE = Fixtures.ntlm("ms-nlmp-4.2.4.3-challenge");

    @Test
    void negTokenInitLayoutMatchesProtocolNotes() {
        byte[] neg = {'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0};
        byte[] b = NegTokenInit.ntlm(neg).toBytes();
        String hex = Wire.hex(b);
        assertThat(hex).startsWith("60");
        assertThat(hex).contains("06062b0601050502"); // SPNEGO OID
        assertThat(hex).contains("060a2b06010401823702020a"); // NTLMSSP OID
        assertThat(Spnego.detect(b)).isEqualTo(Spnego.TokenKind.NEG_TOKEN_INIT);
        NegTokenInit back = NegTokenInit.decode(b);
        assertThat(back.mechTypes()).containsExactly(Spnego.OID_NTLMSSP);
        assertThat(back.mechToken()).isEqualTo(neg);
        assertThat(back.mechListMic()).isNull();
        assertThat(back.toBytes()).isEqualTo(b);
        assertThat(Spnego.innerToken(b)).isEqualTo(neg);
        assertThat(Wire.hex(back.mechTypesDer())).isEqualTo("300c060a2b06010401823702020a");
    }

    @Test
    void negTokenRespRoundTrip() {
        NegTokenResp r = new NegTokenResp(NegTokenResp.ACCEPT_INCOMPLETE, Spnego.OID_NTLMSSP, CHALLENGE, null);
        byte[] b = r.toBytes();
        assertThat(b[0]).isEqualTo((byte) 0xa1);
        assertThat(Wire.hex(b)).contains("a0030a0101");
        assertThat(Spnego.detect(b)).isEqualTo(Spnego.TokenKind.NEG_TOKEN_RESP);
        NegTokenResp back = NegTokenResp.decode(b);
        assertThat(back.negState()).isEqualTo(1);
        assertThat(back.supportedMech()).isEqualTo(Spnego.OID_NTLMSSP);
        assertThat(back.responseToken()).isEqualTo(CHALLENGE);
        assertThat(back.toBytes()).isEqualTo(b);
        assertThat(Spnego.innerToken(b)).isEqualTo(CHALLENGE);
        NegTokenResp done = new NegTokenResp(NegTokenResp.ACCEPT_COMPLETED, null, null, new byte[16]);
        assertThat(NegTokenResp.decode(done.toBytes()).mechListMic()).hasSize(16);
        assertThat(NegTokenResp.negStateName(2)).isEqualTo("reject");
    }

    @Test
    void detectsRawNtlm() {
        assertThat(Spnego.detect(CHALLENGE)).isEqualTo(Spnego.TokenKind.RAW_NTLM);
        assertThat(Spnego.innerToken(CHALLENGE)).isEqualTo(CHALLENGE);
        assertThat(Spnego.detect(new byte[] {0x42})).isEqualTo(Spnego.TokenKind.UNKNOWN);
        assertThatThrownBy(() -> Spnego.innerToken(new byte[] {0x42})).isInstanceOf(DecodeException.class);
    }

    @Test
    void garbageThrowsOnlyDecodeException() {
        Random r = new Random(11);
        byte[] base = NegTokenInit.ntlm(CHALLENGE).toBytes();
        byte[] base2 = new NegTokenResp(1, Spnego.OID_NTLMSSP, CHALLENGE, new byte[16]).toBytes();
        for (int i = 0; i < 3000; i++) {
            byte[] b = (i % 2 == 0 ? base : base2).clone();
            for (int k = 0; k < 1 + r.nextInt(4); k++) {
                b[r.nextInt(Math.min(b.length, 40))] = (byte) r.nextInt();
            }
            if (i % 5 == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            try {
                Spnego.innerToken(b);
            } catch (DecodeException expected) {
                // fine
            }
            try {
                NegTokenResp.decode(b);
            } catch (DecodeException expected) {
                // fine
            }
            try {
                NegTokenInit.decode(b);
            } catch (DecodeException expected) {
                // fine
            }
        }
    }

    @Test
    void mechNames() {
        assertThat(Spnego.mechName(Spnego.OID_MS_KERBEROS)).isEqualTo("MS-Kerberos");
        assertThat(new NegTokenInit(List.of(Spnego.OID_KERBEROS, Spnego.OID_NTLMSSP), null, null).mechTypes()).hasSize(2);
    }
}
