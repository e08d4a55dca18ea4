package io.rdpprobe.protocol.mcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

/**
 * Zeek's RDP fuzzing seeds (../shared/corpus/zeek-rdp-corpus.zip, when present): every TPKT chunk goes
 * through the MCS/GCC decoders, whole and as every prefix, and nothing but DecodeException may come out.
 */
class ZeekCorpusTest {
    static final Path CORPUS = io.rdpprobe.protocol.testutil.SharedCaptures.root() == null ? Path.of("../../shared/corpus/zeek-rdp-corpus.zip")
            : io.rdpprobe.protocol.testutil.SharedCaptures.root().resolve("corpus/zeek-rdp-corpus.zip");

    static void decodeAll(ByteBuf frame) {
        ByteBuf mcs = Mcs.userData(frame);
        if (Mcs.isConnectPdu(mcs)) {
            if (mcs.getUnsignedByte(mcs.readerIndex() + 1) == 0x65) {
                ConferenceCreateRequest.decode(Unpooled.wrappedBuffer(ConnectInitial.decode(mcs).userData()));
            } else {
                ConferenceCreateResponse.decode(Unpooled.wrappedBuffer(ConnectResponse.decode(mcs).userData()));
            }
        } else {
            DomainPdu.decode(mcs);
        }
    }

    @Test
    void corpusChunksDecodeOrFailCleanly() throws Exception {
        assumeTrue(Files.exists(CORPUS), "Zeek corpus not present");
        List<byte[]> chunks = new ArrayList<>();
        try (ZipInputStream z = new ZipInputStream(Files.newInputStream(CORPUS))) {
            for (ZipEntry e; (e = z.getNextEntry()) != null; ) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                z.transferTo(out);
                byte[] d = out.toByteArray();
                int start = -1;
                for (int i = 0; i + 4 <= d.length; i++) {
                    if (d[i] == 1 && d[i + 1] == 'P' && d[i + 2] == 'K' && d[i + 3] == 'T') {
                        if (start >= 0) chunks.add(java.util.Arrays.copyOfRange(d, start + 5, i));
                        start = i;
                    }
                }
                if (start >= 0) chunks.add(java.util.Arrays.copyOfRange(d, start + 5, d.length));
            }
        }
        int decoded = 0;
        for (byte[] c : chunks) {
            if (c.length < 7 || c[0] != 3) continue;
            try {
                decodeAll(Unpooled.wrappedBuffer(c));
                decoded++;
            } catch (DecodeException expected) {
                // truncated seeds (split TCP segments) end here
            }
            Fixtures.assertGarbageOnlyDecodeException(c, 200, ZeekCorpusTest::decodeAll);
        }
        assertThat(decoded).isPositive();
    }
}
