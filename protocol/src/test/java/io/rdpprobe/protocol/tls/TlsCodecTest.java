package io.rdpprobe.protocol.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TlsCodecTest {
    static byte[] fixture(String name) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("../testdata/fixtures/tls", name))) {
            if (!line.startsWith("#")) sb.append(line);
        }
        return Wire.unhex(sb);
    }

    /** Splits a byte stream of TLS records into (header, fragment) pairs. */
    static List<ByteBuf> fragments(byte[] records, int type) {
        ByteBuf b = Unpooled.wrappedBuffer(records);
        List<ByteBuf> out = new ArrayList<>();
        while (b.isReadable()) {
            TlsRecordHeader h = TlsRecordHeader.decode(b);
            ByteBuf f = b.readSlice(h.length());
            if (h.contentType() == type) out.add(f);
        }
        return out;
    }

    /** The handshake messages (type, body) in the handshake records of a flight. */
    static List<Object[]> messages(byte[] records) {
        ByteBuf hs = Unpooled.buffer();
        for (ByteBuf f : fragments(records, TlsRecordHeader.HANDSHAKE)) hs.writeBytes(f);
        List<Object[]> out = new ArrayList<>();
        while (hs.isReadable()) {
            HandshakeHeader h = HandshakeHeader.decode(hs);
            out.add(new Object[] {h.type(), ByteBufUtil.getBytes(hs.readSlice(h.length()))});
        }
        return out;
    }

    static byte[] body(List<Object[]> msgs, int type) {
        return (byte[]) msgs.stream().filter(m -> (int) m[0] == type).findFirst().orElseThrow()[1];
    }

    static <T> void truncationsThrow(byte[] b, Function<ByteBuf, T> decoder) {
        truncationsThrow(b, decoder, -1);
    }

    /** Every strict prefix throws, except {@code validLen}: a hello cut right before its (optional) extensions is legal. */
    static <T> void truncationsThrow(byte[] b, Function<ByteBuf, T> decoder, int validLen) {
        for (int n = 0; n < b.length; n++) {
            int len = n;
            if (len == validLen) {
                decoder.apply(Unpooled.wrappedBuffer(b, 0, len));
                continue;
            }
            assertThatThrownBy(() -> decoder.apply(Unpooled.wrappedBuffer(b, 0, len)))
                    .as("prefix of %d bytes", len)
                    .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind())
                            .isIn(DecodeException.Kind.NOT_ENOUGH_BYTES, DecodeException.Kind.INVALID_LENGTH));
        }
    }

    static <T> void garbageOnlyDecodeException(Function<ByteBuf, T> decoder, long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 3000; i++) {
            byte[] b = new byte[r.nextInt(120)];
            r.nextBytes(b);
            try {
                decoder.apply(Unpooled.wrappedBuffer(b));
            } catch (DecodeException expected) {
                // the only exception allowed
            }
        }
    }

    @Test
    void realTls12ClientHello() throws IOException {
        byte[] body = body(messages(fixture("client-hello-tls12.hex")), HandshakeHeader.CLIENT_HELLO);
        ClientHello ch = ClientHello.decode(Unpooled.wrappedBuffer(body));
        assertThat(ch.legacyVersion()).isEqualTo(TlsVersions.TLS12);
        assertThat(ch.serverName()).isEqualTo("rdp.example");
        assertThat(ch.cipherSuites()).contains(0xC02F, 0x00FF);
        assertThat(ch.extensionTypes()).contains(0);
        ByteBuf out = Unpooled.buffer();
        ch.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(body);
        assertThat(ch.encodedLength()).isEqualTo(body.length);
        truncationsThrow(body, ClientHello::decode, body.length - ch.rawExtensions().length);
    }

    @Test
    void realTls13ClientHelloOffersTls13() throws IOException {
        byte[] body = body(messages(fixture("client-hello-tls13.hex")), HandshakeHeader.CLIENT_HELLO);
        ClientHello ch = ClientHello.decode(Unpooled.wrappedBuffer(body));
        assertThat(ch.supportedVersions()).contains(TlsVersions.TLS13);
        assertThat(TlsVersions.name(ch.maxVersion())).isEqualTo("TLSv1.3");
        assertThat(ch.serverName()).isEqualTo("rdp13.example");
        ByteBuf out = Unpooled.buffer();
        ch.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(body);
    }

    @Test
    void realTls12ServerFlight() throws IOException {
        List<Object[]> msgs = messages(fixture("server-flight-tls12.hex"));
        assertThat(msgs.stream().map(m -> (int) m[0]).toList()).containsExactly(2, 11, 12, 14);
        byte[] sh = body(msgs, HandshakeHeader.SERVER_HELLO);
        ServerHello hello = ServerHello.decode(Unpooled.wrappedBuffer(sh));
        assertThat(hello.version()).isEqualTo(TlsVersions.TLS12);
        assertThat(CipherSuites.name(hello.cipherSuite())).startsWith("TLS_");
        ByteBuf out = Unpooled.buffer();
        hello.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(sh);
        truncationsThrow(sh, ServerHello::decode, sh.length - hello.rawExtensions().length);

        byte[] cert = body(msgs, HandshakeHeader.CERTIFICATE);
        CertificateMessage cm = CertificateMessage.decode(Unpooled.wrappedBuffer(cert));
        assertThat(cm.chain()).hasSize(1);
        assertThat(cm.chain().get(0)[0]).isEqualTo((byte) 0x30); // DER SEQUENCE
        ByteBuf co = Unpooled.buffer();
        cm.encode(co);
        assertThat(ByteBufUtil.getBytes(co)).isEqualTo(cert);
        assertThat(cm.encodedLength()).isEqualTo(cert.length);
        truncationsThrow(cert, CertificateMessage::decode);
    }

    @Test
    void realTls13ServerHelloNamesTheSelectedVersion() throws IOException {
        byte[] records = fixture("server-flight-tls13.hex");
        ByteBuf first = fragments(records, TlsRecordHeader.HANDSHAKE).get(0);
        HandshakeHeader h = HandshakeHeader.decode(first);
        assertThat(h.type()).isEqualTo(HandshakeHeader.SERVER_HELLO);
        ServerHello sh = ServerHello.decode(first.readSlice(h.length()));
        assertThat(sh.legacyVersion()).isEqualTo(TlsVersions.TLS12);
        assertThat(sh.version()).isEqualTo(TlsVersions.TLS13);
        assertThat(CipherSuites.isTls13(sh.cipherSuite())).isTrue();
        assertThat(fragments(records, TlsRecordHeader.CHANGE_CIPHER_SPEC)).hasSize(1);
    }

    @Test
    void recordHeaderAndAlertRoundTrip() {
        byte[] rec = {0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28};
        ByteBuf b = Unpooled.wrappedBuffer(rec);
        TlsRecordHeader h = TlsRecordHeader.decode(b);
        assertThat(h).isEqualTo(new TlsRecordHeader(21, 0x0301, 2));
        Alert a = Alert.decode(b);
        assertThat(a.toString()).isEqualTo("fatal handshake_failure");
        ByteBuf out = Unpooled.buffer();
        h.encode(out);
        a.encode(out);
        assertThat(ByteBufUtil.getBytes(out)).isEqualTo(rec);
        truncationsThrow(new byte[] {0x16, 0x03, 0x03, 0x00, 0x10}, TlsRecordHeader::decode);
        truncationsThrow(new byte[] {2, 40}, Alert::decode);
        assertThat(new Alert(2, 200).descriptionName()).isEqualTo("UNKNOWN(200)");
        assertThatThrownBy(() -> TlsRecordHeader.decode(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x03, 0x50, 0x00})))
                .isInstanceOf(DecodeException.class).hasMessageContaining("record.length");
        assertThatThrownBy(() -> TlsRecordHeader.decode(Unpooled.wrappedBuffer(new byte[] {0x30, 0x03, 0x03, 0x00, 0x00})))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.UNEXPECTED_TYPE));
    }

    @Test
    void builtHelloRoundTrips() {
        ClientHello ch = ClientHello.of(TlsVersions.TLS12, new byte[32], List.of(0x002F, 0x1301), "host.example");
        ByteBuf out = Unpooled.buffer();
        ch.encode(out);
        assertThat(out.readableBytes()).isEqualTo(ch.encodedLength());
        ClientHello back = ClientHello.decode(out);
        assertThat(back.serverName()).isEqualTo("host.example");
        assertThat(back.cipherSuites()).containsExactly(0x002F, 0x1301);
        assertThat(CipherSuites.name(0x1301)).isEqualTo("TLS_AES_128_GCM_SHA256");
        assertThat(CipherSuites.name(0x0A0A)).isEqualTo("GREASE(0x0a0a)");
        assertThat(CipherSuites.name(0x1234)).isEqualTo("UNKNOWN(0x1234)");
        assertThat(TlsVersions.name(0x7F00)).isEqualTo("UNKNOWN(0x7f00)");
    }

    @Test
    void randomGarbageThrowsOnlyDecodeException() {
        garbageOnlyDecodeException(ClientHello::decode, 1);
        garbageOnlyDecodeException(ServerHello::decode, 2);
        garbageOnlyDecodeException(CertificateMessage::decode, 3);
        garbageOnlyDecodeException(TlsRecordHeader::decode, 4);
        garbageOnlyDecodeException(Alert::decode, 5);
        garbageOnlyDecodeException(HandshakeHeader::decode, 6);
    }
}
