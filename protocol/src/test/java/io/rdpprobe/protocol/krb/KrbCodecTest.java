package io.rdpprobe.protocol.krb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** KRB-ERROR, AS-REQ, ETYPE-INFO2 and KDC reply codecs against replies recorded from the lab's MIT KDC (testdata/fixtures/kerberos). */
class KrbCodecTest {
    static byte[] fixture(String name) throws IOException {
        String hex = Files.readAllLines(Path.of("../testdata/fixtures/kerberos", name)).stream()
                .filter(l -> !l.startsWith("#")).map(String::trim).collect(Collectors.joining());
        return HexFormat.of().parseHex(hex);
    }

    @Test
    void preauthRequiredCarriesTheKdcClockAndEtypeInfo2() throws IOException {
        KrbError e = KrbError.decode(Unpooled.wrappedBuffer(fixture("mit-preauth-required.hex")));
        assertThat(e.errorCode()).isEqualTo(KrbErrorCode.KDC_ERR_PREAUTH_REQUIRED);
        assertThat(e.errorName()).isEqualTo("KDC_ERR_PREAUTH_REQUIRED");
        assertThat(e.realm()).isEqualTo("LAB.TEST");
        assertThat(e.sname().components()).containsExactly("krbtgt", "LAB.TEST");
        assertThat(e.cname().components()).containsExactly("rdptest");
        assertThat(e.eText()).isEqualTo("NEEDED_PREAUTH");
        assertThat(e.stime()).isAfter(Instant.parse("2026-12-01T00:00:00Z")).isBefore(Instant.parse("2026-12-03T00:00:00Z"));
        assertThat(e.serverTime()).isEqualTo(e.stime().plusNanos(e.susec() * 1000L));
        List<EtypeInfo2.Entry> info = e.etypeInfo2();
        assertThat(info).extracting(EtypeInfo2.Entry::etype).containsExactly(18);
        assertThat(info.get(0).salt()).isEqualTo("LAB.TESTrdptest");
        assertThat(info.get(0).iterations()).isEqualTo(4096);
        assertThat(PaData.decodeMethodData(e.eData())).extracting(PaData::type).contains(PaData.PA_ETYPE_INFO2, PaData.PA_ENC_TIMESTAMP);
    }

    @Test
    void recordedErrorsNameTheirCodes() throws IOException {
        assertThat(KrbError.decode(fixture("mit-c-principal-unknown.hex")).errorName()).isEqualTo("KDC_ERR_C_PRINCIPAL_UNKNOWN");
        assertThat(KrbError.decode(fixture("mit-client-revoked.hex")).errorName()).isEqualTo("KDC_ERR_CLIENT_REVOKED");
        assertThat(KrbError.decode(fixture("mit-key-expired.hex")).errorName()).isEqualTo("KDC_ERR_KEY_EXPIRED");
        KdcReply r = KdcReply.decode(fixture("mit-key-expired.hex"));
        assertThat(r).isInstanceOfSatisfying(KdcReply.Error.class, x -> assertThat(x.error().errorCode()).isEqualTo(23));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mit-preauth-required.hex", "mit-c-principal-unknown.hex", "mit-client-revoked.hex",
            "mit-key-expired.hex", "mit-faketime-plus6m-preauth-required.hex"})
    void recordedRepliesReencodeToTheSameBytesAndFailCleanlyWhenCut(String name) throws IOException {
        byte[] der = fixture(name);
        KrbError e = KrbError.decode(der);
        assertThat(e.toBytes()).isEqualTo(der);
        for (int n = 0; n < der.length; n += Math.max(1, der.length / 40)) {
            byte[] cut = Arrays.copyOf(der, n);
            assertThatThrownBy(() -> KrbError.decode(cut)).isInstanceOf(DecodeException.class)
                    .satisfies(x -> assertThat(((DecodeException) x).layer()).isEqualTo(Layer.KERBEROS));
        }
    }

    @Test
    void asReqEncodesTheRecordedRequestAndRoundTrips() throws IOException {
        AsReq q = AsReq.forTgt("rdptest", "LAB.TEST", 0x12345678, List.of(18, 17, 20, 19, 23));
        assertThat(q.toBytes()).isEqualTo(fixture("as-req-no-preauth.hex"));
        AsReq back = AsReq.decode(Unpooled.wrappedBuffer(q.toBytes()));
        assertThat(back).usingRecursiveComparison().isEqualTo(q);
        assertThat(back.kdcOptions()).isEqualTo(0x40810010);
        assertThat(back.till()).isEqualTo(AsReq.FAR_FUTURE);
    }

    @Test
    void hostileAndForeignInputIsADecodeExceptionNamingTheField() {
        // an AS-REQ is not a reply
        byte[] asReq = AsReq.forTgt("u", "R", 1, List.of(18)).toBytes();
        assertThatThrownBy(() -> KdcReply.decode(asReq)).isInstanceOf(DecodeException.class)
                .hasMessageContaining("KERBEROS").hasMessageContaining("neither KRB-ERROR");
        // HTTP on the KDC port
        assertThatThrownBy(() -> KdcReply.decode("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes()))
                .isInstanceOf(DecodeException.class);
        // a huge length
        assertThatThrownBy(() -> KrbError.decode(HexFormat.of().parseHex("7e84ffffffff3000")))
                .isInstanceOf(DecodeException.class);
        // pvno 4
        KrbError ok = new KrbError(null, null, Instant.parse("2026-12-02T00:00:00Z"), 5, 25, null, null, "R",
                PrincipalName.service("krbtgt/R"), null, null);
        byte[] der = ok.toBytes();
        assertThat(KrbError.decode(der)).usingRecursiveComparison().isEqualTo(ok);
        byte[] bad = der.clone();
        for (int i = 0; i + 2 < bad.length; i++) {
            if (bad[i] == (byte) 0xa0 && bad[i + 2] == 0x02 && bad[i + 4] == 5) { bad[i + 4] = 4; break; }
        }
        assertThatThrownBy(() -> KrbError.decode(bad)).isInstanceOf(DecodeException.class).hasMessageContaining("KRB-ERROR.pvno");
        // the TCP record marker: more than 1 MiB is refused
        assertThatThrownBy(() -> KdcReply.tcpLength(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, 0, 0, 1})))
                .isInstanceOf(DecodeException.class).hasMessageContaining("TCP record length");
        assertThat(KdcReply.tcpLength(Unpooled.wrappedBuffer(new byte[] {0, 0, 1, 0}))).isEqualTo(256);
    }

    @Test
    void etypeInfo2RoundTripsWithIterations() {
        byte[] der = EtypeInfo2.encode(List.of(new EtypeInfo2.Entry(18, "R.EXAMPLEuser", new byte[] {0, 0, 0x10, 0}),
                new EtypeInfo2.Entry(23, null, null)));
        List<EtypeInfo2.Entry> back = EtypeInfo2.decode(der);
        assertThat(back.get(0).iterations()).isEqualTo(4096);
        assertThat(back.get(0).salt()).isEqualTo("R.EXAMPLEuser");
        assertThat(back.get(1).etype()).isEqualTo(23);
        assertThat(back.get(1).iterations()).isNull();
        assertThat(KrbErrorCode.etype(18)).isEqualTo("aes256-cts-hmac-sha1-96 (18)");
        assertThat(KrbErrorCode.name(999)).isEqualTo("KRB_ERROR_999");
    }
}
