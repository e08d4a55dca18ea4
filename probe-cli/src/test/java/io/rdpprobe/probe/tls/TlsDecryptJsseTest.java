package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.tls.decrypt.DecryptFailure;
import io.rdpprobe.protocol.tls.decrypt.TlsDecryptor;
import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A second, independent TLS implementation for the suites BouncyCastle's TLS no longer offers (RC4) and for static
 * RSA as the JDK does it (extended master secret on by default): two JDK SSLEngines in a child JVM whose security
 * properties re-enable RC4 and TLS 1.0/1.1, decrypted here with the server's RSA key only.
 */
class TlsDecryptJsseTest {
    static final HexFormat HEX = HexFormat.of();

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({
        "TLSv1.2, SSL_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_SHA",
        "TLSv1, SSL_RSA_WITH_RC4_128_MD5, TLS_RSA_WITH_RC4_128_MD5",
        "TLSv1.1, SSL_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_RC4_128_SHA",
        "TLSv1.2, TLS_RSA_WITH_AES_128_CBC_SHA256, TLS_RSA_WITH_AES_128_CBC_SHA256",
        "TLSv1.2, TLS_RSA_WITH_AES_256_GCM_SHA384, TLS_RSA_WITH_AES_256_GCM_SHA384",
        "TLSv1, SSL_RSA_WITH_3DES_EDE_CBC_SHA, TLS_RSA_WITH_3DES_EDE_CBC_SHA",
    })
    void jdkSessionDecryptsWithTheRsaKey(String protocol, String jsseSuite, String iana) throws Exception {
        Path props = tmp.resolve("java.security");
        Files.writeString(props, "jdk.tls.disabledAlgorithms=\njdk.tls.legacyAlgorithms=\n");
        Path outFile = tmp.resolve("session.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.properties=" + props, "-cp", System.getProperty("java.class.path"),
                JsseSession.class.getName(), protocol, jsseSuite)
                .redirectOutput(outFile.toFile()).redirectErrorStream(false).redirectError(tmp.resolve("err.txt").toFile()).start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("err.txt"))).isZero();

        String key = null;
        byte[] cdata = null;
        byte[] sdata = null;
        String negotiated = null;
        List<Object[]> wire = new ArrayList<>();
        for (String line : Files.readAllLines(outFile, StandardCharsets.US_ASCII)) {
            String[] f = line.split(" ", 2);
            switch (f[0]) {
                case "KEY" -> key = f[1];
                case "C", "S" -> wire.add(new Object[] {f[0].equals("C"), HEX.parseHex(f[1])});
                case "CDATA" -> cdata = HEX.parseHex(f[1]);
                case "SDATA" -> sdata = HEX.parseHex(f[1]);
                case "SUITE" -> negotiated = f[1];
                default -> { }
            }
        }
        assertThat(negotiated).isEqualTo(jsseSuite + " " + protocol);
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(Base64.getDecoder().decode(key))
                + "\n-----END PRIVATE KEY-----\n";
        ByteArrayOutputStream fromClient = new ByteArrayOutputStream();
        ByteArrayOutputStream fromServer = new ByteArrayOutputStream();
        List<String> failures = new ArrayList<>();
        List<String> types = new ArrayList<>();
        TlsDecryptor d = new TlsDecryptor(TlsSecrets.rsaKeyPem(pem), new TlsDecryptor.Listener() {
            @Override
            public void plaintext(boolean c, int type, ByteBuf data) {
                types.add((c ? "c" : "s") + type);
                if (type == 23) {
                    (c ? fromClient : fromServer).writeBytes(ByteBufUtil.getBytes(data));
                }
            }

            @Override
            public void failed(boolean c, DecryptFailure why, String detail) {
                failures.add((c ? "client " : "server ") + why + " " + detail);
            }
        });
        for (Object[] w : wire) {
            ByteBuf b = Unpooled.wrappedBuffer((byte[]) w[1]);
            while (b.readableBytes() >= 5) {
                int len = b.getUnsignedShort(b.readerIndex() + 3);
                d.record((Boolean) w[0], b.readSlice(5 + len));
            }
        }
        assertThat(failures).isEmpty();
        assertThat(d.suiteName()).isEqualTo(iana);
        assertThat(fromClient.toByteArray()).isEqualTo(cdata);
        assertThat(fromServer.toByteArray()).isEqualTo(sdata);
        assertThat(types).contains("c21"); // close_notify
        assertThat(d.extendedMasterSecret()).as("the JDK negotiates RFC 7627 by default").isTrue();
    }
}
