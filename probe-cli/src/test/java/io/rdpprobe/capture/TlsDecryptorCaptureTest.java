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

    record Result(List<Plain> plain, List<String> failures, TlsDecryptor decryptor, int records) {}

    /** Splits each direction after its first TPKT (X.224 CR or CC) into TLS records and feeds them in capture order. */
    static Result run(String pcap, TlsSecrets secrets, int serverPort) throws IOException {
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
        int[] records = {0};
        Framer c = new Framer(true, d, records);
        Framer s = new Framer(false, d, records);
        TcpStream cs = new TcpStream(c);
        TcpStream ss = new TcpStream(s);
        PacketDecoder decoder = new PacketDecoder();
        try (CaptureReader r = CaptureReader.open(CAPTURES.resolve(pcap))) {
            RawPacket raw;
            while ((raw = r.next()) != null) {
                DecodedPacket p = decoder.decode(raw);
                if (p == null || p.protocol() != 6) {
                    continue;
                }
                boolean fromClient = p.dst().port() == serverPort;
                TcpStream st = fromClient ? cs : ss;
                if (p.syn()) {
                    st.onSyn(p.seq());
                    continue;
                }
                st.onSegment(p.seq(), p.data(), p.payloadOffset(), p.payloadLength(), p.fin(), p.timestampNanos());
            }
        }
        return new Result(plain, failures, d, records[0]);
    }

    static final class Framer implements StreamSink {
        final boolean fromClient;
        final TlsDecryptor d;
        final int[] records;
        final ByteBuf buf = Unpooled.buffer();
        boolean tpktSkipped;

        Framer(boolean fromClient, TlsDecryptor d, int[] records) {
            this.fromClient = fromClient;
            this.d = d;
            this.records = records;
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
                d.record(fromClient, buf.readSlice(5 + len));
                records[0]++;
            }
            buf.discardReadBytes();
        }

        @Override
        public void onGap(long bytes, long ts) {
            d.gap(fromClient, bytes);
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
}
