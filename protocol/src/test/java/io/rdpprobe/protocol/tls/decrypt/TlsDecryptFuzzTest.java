package io.rdpprobe.protocol.tls.decrypt;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Jazzer target for TlsDecryptor (issue 12): arbitrary record sequences of both sides, gaps, and key logs. The
 * decryptor must never throw (not even DecodeException: bad input is a {@code failed} call), never report a side
 * twice, never call a failure an internal error, and never hand out more plaintext than a record can hold.
 *
 * <p>Input: byte 0 picks the secrets (0 the full RFC 8448 key log, 1 its application secrets only, 2 none, 3 a key
 * log read from the input: u16 length + text). Then items: a flags byte (bit 0 from the client, bit 1 a gap of
 * u16 bytes), else u16 length + the record bytes as given (so the header may disagree with the length).
 */
class TlsDecryptFuzzTest {
    static final TlsSecrets FULL = TlsSecrets.parseKeyLog(Rfc8448.keyLog(true, true));
    static final TlsSecrets APP = TlsSecrets.parseKeyLog(Rfc8448.keyLog(false, true));

    @FuzzTest
    void recordSequence(byte[] in) {
        decode(in, b -> {
            run(b);
            return null;
        });
    }

    static void run(ByteBuf b) {
        if (!b.isReadable()) {
            return;
        }
        TlsSecrets secrets = switch (b.readUnsignedByte() & 3) {
            case 0 -> FULL;
            case 1 -> APP;
            case 2 -> TlsSecrets.NONE;
            default -> {
                int n = Math.min(b.readableBytes() >= 2 ? b.readUnsignedShort() : 0, b.readableBytes());
                yield TlsSecrets.parseKeyLog(b.readCharSequence(n, StandardCharsets.ISO_8859_1));
            }
        };
        int[] failures = new int[2];
        TlsDecryptor d = new TlsDecryptor(secrets, new TlsDecryptor.Listener() {
            @Override
            public void plaintext(boolean fromClient, int contentType, ByteBuf data) {
                if (data.readableBytes() > (1 << 14) + 2048) {
                    throw new AssertionError("plaintext of " + data.readableBytes() + " bytes");
                }
                if (contentType < 20 || contentType > 255) {
                    throw new AssertionError("content type " + contentType);
                }
            }

            @Override
            public void failed(boolean fromClient, DecryptFailure why, String detail) {
                if (++failures[fromClient ? 0 : 1] > 1) {
                    throw new AssertionError("second failure for one side: " + why + " " + detail);
                }
                if (why == null || detail == null || detail.startsWith("internal error")) {
                    throw new AssertionError(why + ": " + detail);
                }
            }
        });
        int items = 0;
        while (b.readableBytes() >= 3 && items++ < 512) {
            int flags = b.readUnsignedByte();
            boolean fromClient = (flags & 1) != 0;
            int n = b.readUnsignedShort();
            if ((flags & 2) != 0) {
                d.gap(fromClient, n);
            } else {
                n = Math.min(n, b.readableBytes());
                ByteBuf rec = Unpooled.wrappedBuffer(b.array(), b.arrayOffset() + b.readerIndex(), n);
                b.skipBytes(n);
                d.record(fromClient, rec);
            }
            for (boolean side : new boolean[] {true, false}) {
                if (failures[side ? 0 : 1] > 0 && d.state(side) != TlsDecryptor.State.FAILED) {
                    throw new AssertionError("a failed side is " + d.state(side));
                }
            }
        }
        d.suiteName();
        d.version();
        d.state();
    }
}
