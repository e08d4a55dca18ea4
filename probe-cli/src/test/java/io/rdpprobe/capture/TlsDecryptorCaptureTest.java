package io.rdpprobe.capture;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.tls.decrypt.DecryptFailure;
import io.rdpprobe.protocol.tls.decrypt.TlsDecryptor;
import io.rdpprobe.protocol.tls.decrypt.TlsSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * TlsDecryptor alone on the project's real TLS 1.3 captures (xfreerdp 2.11 / OpenSSL 3.0 against xrdp and the
 * FreeRDP shadow server, with their key logs): every record decrypts and the first client plaintext after the
 * handshake is what RDP sends first. The analyser's own integration test is capdec's; this one only checks the
 * decryptor, with a minimal TCP-to-records framing of its own.
 */
class TlsDecryptorCaptureTest {
    static final Path CAPTURES = Path.of("..", "testdata", "captures");

    record Plain(boolean fromClient, int type, byte[] data) {}

    record Result(List<Plain> plain, List<String> failures, TlsDecryptor decryptor, int[] counter) {}

    /** Splits each direction after its first TPKT (X.224 CR or CC) into TLS records and feeds them in capture order. */
    static Result run(String pcap, TlsSecrets secrets, int serverPort) throws IOException {
        List<Result> all = runAll(pcap, secrets);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    /**
     * Every TCP connection of the capture (the server is the side that received the SYN), in order of appearance;
     * the records are collected first and decrypted at the end, with {@code secrets} plus the capture's own
     * Decryption Secrets Blocks (pcapng).
     */
    static List<Result> runAll(String pcap, TlsSecrets secrets) throws IOException {
        java.util.Map<String, Conn> conns = new java.util.LinkedHashMap<>();
        List<Object[]> order = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        TlsSecrets all = secrets;
        try (CaptureReader r = CaptureReader.open(CAPTURES.resolve(pcap))) {
            RawPacket raw;
            while ((raw = r.next()) != null) {
                DecodedPacket p = decoder.decode(raw);
                if (p == null || p.protocol() != 6) {
                    continue;
                }
                String ab = p.src() + ">" + p.dst();
                String ba = p.dst() + ">" + p.src();
                Conn c = conns.get(ab);
                boolean fromClient;
                if (c != null) {
                    fromClient = true;
                } else if ((c = conns.get(ba)) != null) {
                    fromClient = false;
                } else if (p.syn() && !p.hasAck()) {
                    c = new Conn(order);
                    conns.put(ab, c);
                    fromClient = true;
                } else {
                    continue; // not from a connection whose SYN we saw
                }
                TcpStream st = fromClient ? c.cs : c.ss;
                if (p.syn()) {
                    st.onSyn(p.seq());
                    continue;
                }
                st.onSegment(p.seq(), p.data(), p.payloadOffset(), p.payloadLength(), p.fin(), p.timestampNanos());
            }
            for (DecryptionSecrets ds : r.secrets()) {
                if (ds.secretsType() == DecryptionSecrets.TLS_KEY_LOG) {
                    all = all.merge(TlsSecrets.parseKeyLog(new String(ds.data(), StandardCharsets.US_ASCII)));
                }
            }
        }
        List<Result> out = new ArrayList<>();
        java.util.Map<Conn, Result> results = new java.util.HashMap<>();
        for (Conn c : conns.values()) {
            Result res = c.result(all);
            results.put(c, res);
            out.add(res);
        }
        for (Object[] o : order) {
            Conn c = (Conn) o[0];
            if (o[2] == null) {
                results.get(c).decryptor().gap((Boolean) o[1], (Long) o[3]);
            } else {
                results.get(c).decryptor().record((Boolean) o[1], Unpooled.wrappedBuffer((byte[]) o[2]));
                results.get(c).counter()[0]++;
            }
        }
        return out;
    }

    /** Collects one connection's records (and gaps) into the shared order list. */
    static final class Conn {
        final TcpStream cs;
        final TcpStream ss;

        Conn(List<Object[]> order) {
            cs = new TcpStream(new Framer(true, (fromClient, rec) -> order.add(new Object[] {this, fromClient, rec, 0L}),
                    (fromClient, n) -> order.add(new Object[] {this, fromClient, null, n})));
            ss = new TcpStream(new Framer(false, (fromClient, rec) -> order.add(new Object[] {this, fromClient, rec, 0L}),
                    (fromClient, n) -> order.add(new Object[] {this, fromClient, null, n})));
        }

        Result result(TlsSecrets secrets) {
            List<Plain> plain = new ArrayList<>();
            List<String> failures = new ArrayList<>();
            TlsDecryptor d = new TlsDecryptor(secrets, new TlsDecryptor.Listener() {
                @Override
                public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
                    plain.add(new Plain(fromClient, contentType, ByteBufUtil.getBytes(data)));
                }

                @Override
                public void failed(boolean fromClient, DecryptFailure why, String detail) {
                    failures.add((fromClient ? "client " : "server ") + why + ": " + detail);
                }
            });
            return new Result(plain, failures, d, new int[1]);
        }
    }

    static final class Framer implements StreamSink {
        final boolean fromClient;
        final java.util.function.BiConsumer<Boolean, byte[]> records;
        final java.util.function.BiConsumer<Boolean, Long> gaps;
        final ByteBuf buf = Unpooled.buffer();
        boolean tpktSkipped;

        Framer(boolean fromClient, java.util.function.BiConsumer<Boolean, byte[]> records,
               java.util.function.BiConsumer<Boolean, Long> gaps) {
            this.fromClient = fromClient;
            this.records = records;
            this.gaps = gaps;
        }

        @Override
        public void onData(byte[] data, int offset, int length, long ts) {
            buf.writeBytes(data, offset, length);
            if (!tpktSkipped) {
                if (buf.readableBytes() < 4) {
                    return;
                }
                int len = buf.getUnsignedShort(buf.readerIndex() + 2);
                if (buf.readableBytes() < len) {
                    return;
                }
                buf.skipBytes(len);
                tpktSkipped = true;
            }
            while (buf.readableBytes() >= 5) {
                int len = buf.getUnsignedShort(buf.readerIndex() + 3);
                if (buf.readableBytes() < 5 + len) {
                    break;
                }
                records.accept(fromClient, ByteBufUtil.getBytes(buf.readSlice(5 + len)));
            }
            buf.discardReadBytes();
        }

        @Override
        public void onGap(long bytes, long ts) {
            gaps.accept(fromClient, bytes);
        }
    }

    static TlsSecrets keys(String name) throws IOException {
        return TlsSecrets.parseKeyLog(Files.readString(CAPTURES.resolve(name), StandardCharsets.US_ASCII));
    }

    static Plain firstClientData(Result r) {
        return r.plain().stream().filter(p -> p.fromClient() && p.type() == 23).findFirst().orElseThrow();
    }

    @Test
    void xrdpTls13FirstClientPlaintextIsTpkt() throws IOException {
        Result r = run("xrdp-tls-xfreerdp-connect.pcap", keys("xrdp-tls-xfreerdp-connect.keys"), 33891);
        assertThat(r.failures()).isEmpty();
        assertThat(r.decryptor().version()).isEqualTo(0x0304);
        assertThat(r.decryptor().suiteName()).startsWith("TLS_");
        assertThat(r.decryptor().state()).isEqualTo(TlsDecryptor.State.DECRYPTING);
        // the server flight (EncryptedExtensions .. Finished) came out as handshake plaintext
        assertThat(r.plain()).filteredOn(p -> !p.fromClient() && p.type() == 22).isNotEmpty();
        Plain first = firstClientData(r);
        assertThat(first.data()[0]).as("TPKT version").isEqualTo((byte) 3);
        assertThat(((first.data()[2] & 0xFF) << 8) | (first.data()[3] & 0xFF)).as("TPKT length")
                .isLessThanOrEqualTo(first.data().length);
        assertThat(first.data()[5] & 0xFF).as("X.224 Data TPDU").isEqualTo(0xF0);
        // every record of both sides after the handshake decrypted: nothing skipped, nothing failed
        long decrypted = r.decryptor().decryptedRecords(true) + r.decryptor().decryptedRecords(false);
        assertThat(decrypted).isEqualTo(r.plain().size()).isGreaterThan(40);
    }

    @Test
    void shadowNlaFirstClientPlaintextIsTsRequest() throws IOException {
        Result r = run("shadow-nla-authonly-ok.pcap", keys("shadow-nla-authonly-ok.keys"), 33892);
        assertThat(r.failures()).isEmpty();
        assertThat(r.decryptor().version()).isEqualTo(0x0304);
        Plain first = firstClientData(r);
        assertThat(first.data()[0] & 0xFF).as("TSRequest SEQUENCE").isEqualTo(0x30);
        // NTLMSSP NEGOTIATE travels inside it
        assertThat(new String(first.data(), StandardCharsets.ISO_8859_1)).contains("NTLMSSP\0");
    }

    @Test
    void missingKeyLogIsNoSecretOnBothSides() throws IOException {
        Result r = run("xrdp-tls-xfreerdp-connect.pcap", TlsSecrets.NONE, 33891);
        assertThat(r.plain()).isEmpty();
        assertThat(r.failures()).hasSize(2).allMatch(f -> f.contains("NO_SECRET"));
    }

    @Test
    void anotherConnectionsKeysAreNoSecret() throws IOException {
        Result r = run("xrdp-tls-xfreerdp-connect.pcap", keys("shadow-nla-authonly-ok.keys"), 33891);
        assertThat(r.failures()).hasSize(2).allMatch(f -> f.contains("NO_SECRET"));
    }

    @Test
    void onlyApplicationSecretsFallBackToTrialDecryption() throws IOException {
        String all = Files.readString(CAPTURES.resolve("xrdp-tls-xfreerdp-connect.keys"));
        StringBuilder app = new StringBuilder();
        for (String line : all.split("\n")) {
            if (!line.contains("HANDSHAKE")) {
                app.append(line).append('\n');
            }
        }
        Result r = run("xrdp-tls-xfreerdp-connect.pcap", TlsSecrets.parseKeyLog(app), 33891);
        assertThat(r.failures()).isEmpty();
        assertThat(r.plain()).filteredOn(p -> p.type() == 22 && !p.fromClient())
                .as("only post-handshake messages (NewSessionTicket)").allMatch(p -> p.data()[0] == 4);
        assertThat(firstClientData(r).data()[0]).isEqualTo((byte) 3);
    }

    @Test
    void wrongSecretIsBadRecordMac() throws IOException {
        String all = Files.readString(CAPTURES.resolve("xrdp-tls-xfreerdp-connect.keys"));
        // flip one hex digit of the server handshake secret
        int i = all.indexOf("SERVER_HANDSHAKE_TRAFFIC_SECRET ") + "SERVER_HANDSHAKE_TRAFFIC_SECRET ".length() + 65;
        char ch = all.charAt(i);
        String bad = all.substring(0, i) + (ch == '0' ? '1' : '0') + all.substring(i + 1);
        Result r = run("xrdp-tls-xfreerdp-connect.pcap", TlsSecrets.parseKeyLog(bad), 33891);
        assertThat(r.failures()).anyMatch(f -> f.startsWith("server BAD_RECORD_MAC"));
        assertThat(r.failures()).noneMatch(f -> f.startsWith("client"));
    }

    static TlsSecrets pem(String name) throws IOException {
        return TlsSecrets.rsaKeyPem(Files.readString(CAPTURES.resolve(name), StandardCharsets.US_ASCII));
    }

    /** Every record of both sides decrypted, and the first client plaintext is a TPKT carrying an X.224 Data TPDU. */
    static void assertRdpInside(Result r, int version, String suite) {
        assertThat(r.failures()).isEmpty();
        assertThat(r.decryptor().version()).isEqualTo(version);
        assertThat(r.decryptor().suiteName()).isEqualTo(suite);
        Plain first = firstClientData(r);
        assertThat(first.data()[0]).as("TPKT version").isEqualTo((byte) 3);
        assertThat(first.data()[5] & 0xFF).as("X.224 Data TPDU").isEqualTo(0xF0);
        assertThat(r.plain()).filteredOn(p -> !p.fromClient() && p.type() == 23).isNotEmpty();
    }

    // labcap's issue 12 captures (xfreerdp 2.11 / OpenSSL 3.0 -> xrdp 0.9.21 on the lab's port 34161)

    @Test
    void xrdpTls12Ecdhe() throws IOException {
        Result r = run("xrdp-tls12-ecdhe-xfreerdp-connect.pcap", keys("xrdp-tls12-ecdhe-xfreerdp-connect.keys"), 0);
        assertRdpInside(r, 0x0303, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(r.decryptor().extendedMasterSecret()).isTrue();
    }

    @Test
    void xrdpTls12RsaAes256GcmWithTheServerKey() throws IOException {
        Result r = run("xrdp-tls12-rsa-aes256gcm-xfreerdp-connect.pcap", pem("xrdp-tls12-rsa-aes256gcm-xfreerdp-connect.key"), 0);
        assertRdpInside(r, 0x0303, "TLS_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(r.decryptor().extendedMasterSecret()).isTrue();
    }

    @Test
    void xrdpTls12RsaCbcSha256EncryptThenMac() throws IOException {
        Result r = run("xrdp-tls12-rsa-aes128cbc-sha256-xfreerdp-connect.pcap",
                pem("xrdp-tls12-rsa-aes128cbc-sha256-xfreerdp-connect.key"), 0);
        assertRdpInside(r, 0x0303, "TLS_RSA_WITH_AES_128_CBC_SHA256");
        assertThat(r.decryptor().encryptThenMac()).isTrue();
    }

    @Test
    void xrdpTls12RsaCbcSha256MacThenEncrypt() throws IOException {
        Result r = run("xrdp-tls12-rsa-aes128cbc-sha256-mte-xfreerdp-connect.pcap",
                pem("xrdp-tls12-rsa-aes128cbc-sha256-mte-xfreerdp-connect.key"), 0);
        assertRdpInside(r, 0x0303, "TLS_RSA_WITH_AES_128_CBC_SHA256");
        assertThat(r.decryptor().encryptThenMac()).isFalse();
    }

    @Test
    void xrdpTls10AesCbcSha() throws IOException {
        Result r = run("xrdp-tls10-aes-cbc-sha-xfreerdp-connect.pcap", keys("xrdp-tls10-aes-cbc-sha-xfreerdp-connect.keys"), 0);
        assertThat(r.failures()).isEmpty();
        assertThat(r.decryptor().version()).isEqualTo(0x0301);
        assertThat(r.decryptor().suiteName()).contains("_CBC_SHA");
        assertThat(firstClientData(r).data()[0]).isEqualTo((byte) 3);
    }

    @Test
    void rsaKeyOfAnotherCaptureIsRsaKeyMismatchOrNotRsa() throws IOException {
        Result r = run("xrdp-tls12-ecdhe-xfreerdp-connect.pcap", pem("xrdp-tls12-rsa-aes256gcm-xfreerdp-connect.key"), 0);
        assertThat(r.failures()).hasSize(2).allMatch(f -> f.contains("NOT_RSA_KEY_EXCHANGE"));
    }

    @Test
    void twoConnectionsOneSecret() throws IOException {
        List<Result> all = runAll("xrdp-tls12-two-connections-one-secret.pcap", keys("xrdp-tls12-two-connections-one-secret.keys"));
        assertThat(all).hasSize(2);
        assertThat(all.get(0).failures()).isEmpty();
        assertThat(firstClientData(all.get(0)).data()[0]).isEqualTo((byte) 3);
        assertThat(all.get(1).plain()).isEmpty();
        assertThat(all.get(1).failures()).hasSize(2).allMatch(f -> f.contains("NO_SECRET")
                && f.contains("f132fca3096aa9ab321781c63bb89b79a2aae097da5b1c913c8bce6bfa9555d9"));
    }

    @Test
    void probesOwnPcapngCarriesItsSecrets() throws IOException {
        for (String name : List.of("probe-xrdp-tls.pcapng", "probe-xrdp-tls12.pcapng")) {
            List<Result> all = runAll(name, TlsSecrets.NONE);
            assertThat(all).as(name).isNotEmpty();
            for (Result r : all) {
                assertThat(r.failures()).as(name).isEmpty();
                assertThat(firstClientData(r).data()[0]).as(name).isEqualTo((byte) 3);
            }
        }
        for (String name : List.of("probe-shadow-nla-ok.pcapng", "probe-shadow-nla-wrongpass.pcapng")) {
            List<Result> all = runAll(name, TlsSecrets.NONE);
            assertThat(all).as(name).isNotEmpty();
            for (Result r : all) {
                assertThat(r.failures()).as(name).isEmpty();
                assertThat(firstClientData(r).data()[0] & 0xFF).as(name + ": TSRequest").isEqualTo(0x30);
            }
        }
    }
}
