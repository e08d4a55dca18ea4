package io.rdpprobe.protocol.tls;

import static io.rdpprobe.protocol.testutil.FuzzOracle.checkRoundTrip;
import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;

/**
 * Jazzer target for the TLS record and handshake parsers that the capture analyser uses: a flight of records,
 * handshake messages reassembled across records as RdpConnection does, each ClientHello, ServerHello,
 * Certificate and Alert decoded and round-tripped (issue 15).
 */
class TlsFuzzTest {
    @FuzzTest
    void tlsFlight(byte[] in) {
        decode(in, b -> {
            ByteBuf hs = io.netty.buffer.Unpooled.buffer();
            int records = 0;
            while (b.isReadable() && records++ < 256) {
                TlsRecordHeader h = TlsRecordHeader.decode(b);
                checkRoundTrip(h, TlsRecordHeader::decode, TlsRecordHeader::encode);
                ByteBuf body = io.rdpprobe.protocol.codec.Wire.slice(b, h.length(), io.rdpprobe.protocol.codec.Layer.TLS, "record");
                switch (h.contentType()) {
                    case TlsRecordHeader.ALERT -> {
                        Alert a = Alert.decode(body);
                        checkRoundTrip(a, Alert::decode, Alert::encode);
                    }
                    case TlsRecordHeader.HANDSHAKE -> {
                        hs.writeBytes(body);
                        handshakes(hs);
                    }
                    default -> { }
                }
            }
            return records;
        });
    }

    static void handshakes(ByteBuf hs) {
        while (hs.readableBytes() >= HandshakeHeader.SIZE) {
            int len = hs.getUnsignedMedium(hs.readerIndex() + 1);
            if (hs.readableBytes() < HandshakeHeader.SIZE + len) {
                return;
            }
            HandshakeHeader h = HandshakeHeader.decode(hs);
            checkRoundTrip(h, HandshakeHeader::decode, HandshakeHeader::encode);
            ByteBuf m = hs.readSlice(len);
            switch (h.type()) {
                case 1 -> checkRoundTrip(ClientHello.decode(m), ClientHello::decode, ClientHello::encode);
                case 2 -> checkRoundTrip(ServerHello.decode(m), ServerHello::decode, ServerHello::encode);
                case 11 -> checkRoundTrip(CertificateMessage.decode(m), CertificateMessage::decode, CertificateMessage::encode);
                default -> { }
            }
        }
    }
}
