package io.rdpprobe.protocol.tpkt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.testutil.Fixtures;
import org.junit.jupiter.api.Test;

class FrameProbeTest {
    @Test
    void demultiplexesFirstBytes() {
        assertThat(FrameProbe.classify(Fixtures.buf("0300"))).isEqualTo(FrameKind.TPKT);
        assertThat(FrameProbe.classify(Fixtures.buf("160301"))).isEqualTo(FrameKind.TLS_RECORD);
        assertThat(FrameProbe.classify(Fixtures.buf("150303"))).isEqualTo(FrameKind.TLS_RECORD);
        assertThat(FrameProbe.classify(Fixtures.buf("16"))).isEqualTo(FrameKind.NEED_MORE);
        assertThat(FrameProbe.classify(Fixtures.buf("0412"))).isEqualTo(FrameKind.FAST_PATH);
        assertThat(FrameProbe.classify(Fixtures.buf("8012"))).isEqualTo(FrameKind.FAST_PATH);
        assertThat(FrameProbe.classify(Fixtures.buf("3082"))).isEqualTo(FrameKind.DER_SEQUENCE);
        assertThat(FrameProbe.classify(Fixtures.buf("41"))).isEqualTo(FrameKind.UNKNOWN);
        assertThat(FrameProbe.classify(Fixtures.buf(""))).isEqualTo(FrameKind.NEED_MORE);
    }

    @Test
    void probesLengthsWithoutConsuming() {
        var tpkt = Fixtures.buf("0300001302f080");
        assertThat(FrameProbe.frameLength(tpkt)).isEqualTo(0x13);
        assertThat(tpkt.readerIndex()).isZero();
        assertThat(FrameProbe.frameLength(Fixtures.buf("030000"))).isEqualTo(FrameProbe.NEED_MORE);
        // fast-path: 1-byte length 0x12, and 2-byte 0x8123 -> 0x0123
        assertThat(FrameProbe.frameLength(Fixtures.buf("0412"))).isEqualTo(0x12);
        assertThat(FrameProbe.frameLength(Fixtures.buf("0481"))).isEqualTo(FrameProbe.NEED_MORE);
        assertThat(FrameProbe.frameLength(Fixtures.buf("048123"))).isEqualTo(0x123);
        // TLS record: 5 + length
        assertThat(FrameProbe.frameLength(Fixtures.buf("1603010200"))).isEqualTo(5 + 0x200);
        assertThat(FrameProbe.frameLength(Fixtures.buf("16030102"))).isEqualTo(FrameProbe.NEED_MORE);
    }

    @Test
    void rejectsImpossibleLengths() {
        assertThatThrownBy(() -> FrameProbe.frameLength(Fixtures.buf("03000006"))).isInstanceOf(DecodeException.class)
                .hasMessageContaining("TPKT").hasMessageContaining("length");
        assertThatThrownBy(() -> FrameProbe.frameLength(Fixtures.buf("0401"))).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> FrameProbe.frameLength(Fixtures.buf("16030150ff"))).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> FrameProbe.frameLength(Fixtures.buf("41"))).isInstanceOf(DecodeException.class);
    }
}
