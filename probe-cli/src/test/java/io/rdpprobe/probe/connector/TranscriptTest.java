package io.rdpprobe.probe.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    @Test
    void recordsSizesFirstBytesAndHidesOpaquePdus() {
        Transcript t = new Transcript(0);
        t.pdu(5_000_000L, true, "X224", Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 19}), false);
        t.pdu(7_000_000L, false, "CREDSSP", Unpooled.wrappedBuffer(new byte[] {0x30, (byte) 0x82, 1, 2}), true);
        t.event(9_000_000L, "TLS", "X224 --> TLS");
        assertThat(t.entries()).extracting(Transcript.Entry::text)
                .containsExactly("4 bytes: 03 00 00 13", "4 bytes", "X224 --> TLS");
        assertThat(t.entries().get(1).tMs()).isEqualTo(7);
        assertThat(t.toText()).contains("> X224").contains("< CREDSSP");
    }

    @Test
    void isBounded() {
        Transcript t = new Transcript(0);
        for (int i = 0; i < Transcript.MAX_ENTRIES + 50; i++) {
            t.event(i, "MCS", "e" + i);
        }
        assertThat(t.entries()).hasSize(Transcript.MAX_ENTRIES);
        assertThat(t.toText()).contains("50 more entries dropped");
    }
}
