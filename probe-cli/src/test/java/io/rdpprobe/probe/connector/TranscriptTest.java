package io.rdpprobe.probe.connector;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class TranscriptTest {
    /** xrdp's answer in tls mode (testdata/lab/README.md): RDP_NEG_RSP selecting SSL. */
    static final byte[] CC_SSL = hex("030000130ed000001234000201080001000000");

    static byte[] hex(String s) {
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        return b;
    }

    @Test
    void namesPdusRecordsSizesFirstBytesAndHidesOpaquePdus() {
        Transcript t = new Transcript(0);
        t.pdu(5_000_000L, false, "X224", Unpooled.wrappedBuffer(CC_SSL), false);
        // a TSRequest v6 with an NTLM NEGOTIATE token: 30 L a0 03 02 01 06 a1 L 30 L 30 L a0 L 04 L NTLMSSP\0 01000000
        byte[] ntlm = hex("4e544c4d5353500001000000");
        byte[] tok = concat(hex("04" + String.format("%02x", ntlm.length)), ntlm);
        byte[] a0 = concat(hex("a0" + String.format("%02x", tok.length)), tok);
        byte[] item = concat(hex("30" + String.format("%02x", a0.length)), a0);
        byte[] seq = concat(hex("30" + String.format("%02x", item.length)), item);
        byte[] a1 = concat(hex("a1" + String.format("%02x", seq.length)), seq);
        byte[] body = concat(hex("a003020106"), a1);
        byte[] tsr = concat(hex("30" + String.format("%02x", body.length)), body);
        t.pdu(7_000_000L, true, "CREDSSP", Unpooled.wrappedBuffer(tsr), true);
        t.event(9_000_000L, "TLS", "X224 --> TLS");
        assertThat(t.entries()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::text).containsExactly(
                "X.224 Connection Confirm (RDP_NEG_RSP SSL), 19 bytes: 03 00 00 13 0e d0 00 00 12 34 00 02 01 08 00 01 00 00 00",
                "TSRequest v6: NTLM NEGOTIATE, " + tsr.length + " bytes",
                "X224 --> TLS");
        assertThat(t.entries().get(1).tMs()).isEqualTo(7);
        assertThat(t.entries().get(1).pdu()).isEqualTo("TSRequest v6: NTLM NEGOTIATE");
        assertThat(t.entries().get(1).peer()).isEqualTo(Transcript.SERVER);
        assertThat(t.pdus()).hasSize(2);
        assertThat(io.rdpprobe.report.TextRenderer.text(t.section())).contains("< X224").contains("> CREDSSP");
    }

    @Test
    void aFrameSplitAcrossReadsIsOnePduAndALeftoverIsNamedAtTheNextEvent() {
        Transcript t = new Transcript(0);
        t.pdu(1_000_000L, false, "X224", Unpooled.wrappedBuffer(CC_SSL, 0, 5), false);
        assertThat(t.pdus()).isEmpty();
        t.pdu(2_000_000L, false, "X224", Unpooled.wrappedBuffer(CC_SSL, 5, CC_SSL.length - 5), false);
        assertThat(t.pdus()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::pdu).containsExactly("X.224 Connection Confirm (RDP_NEG_RSP SSL)");
        assertThat(t.pdus().get(0).tMs()).isEqualTo(2);
        t.pdu(3_000_000L, false, "MCS", Unpooled.wrappedBuffer(new byte[] {3, 0, 0, 19}), false);
        t.event(4_000_000L, "MCS", "connection closed by the server (FIN)");
        assertThat(t.entries()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::text).endsWith(
                "incomplete frame, 4 bytes", "connection closed by the server (FIN)");
    }

    @Test
    void tlsRecordsAreNamedByTheirHandshakeMessagesAndTls13EncryptedOnesAsSuch() {
        Transcript t = new Transcript(0);
        // ServerHello (TLS 1.3 via supported_versions) is hard to hand-write; a TLS 1.2 flight: ServerHello + ServerHelloDone
        byte[] sh = hex("020000260303" + "00".repeat(32) + "00" + "c02f" + "00");
        byte[] shd = hex("0e000000");
        byte[] rec = concat(hex("160303" + String.format("%04x", sh.length + shd.length)), concat(sh, shd));
        t.tls(1_000_000L, false, "TLS", Transcript.SERVER, null, Unpooled.wrappedBuffer(rec));
        t.tls(2_000_000L, true, "TLS", Transcript.SERVER, null, Unpooled.wrappedBuffer(hex("140303000101")));
        t.tls(3_000_000L, false, "TLS", Transcript.SERVER, null, Unpooled.wrappedBuffer(hex("15030300020228")));
        assertThat(t.pdus()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::pdu).containsExactly("TLS ServerHello", "TLS ServerHelloDone",
                "TLS ChangeCipherSpec", "TLS alert fatal handshake_failure");
        assertThat(t.pdus()).extracting(io.rdpprobe.probe.model.TranscriptSection.Entry::bytes).containsExactly(sh.length, 4, 6, 7);
    }

    @Test
    void isBounded() {
        Transcript t = new Transcript(0);
        for (int i = 0; i < Transcript.MAX_ENTRIES + 50; i++) {
            t.event(i, "MCS", "e" + i);
        }
        assertThat(t.entries()).hasSize(Transcript.MAX_ENTRIES);
        assertThat(io.rdpprobe.report.TextRenderer.text(t.section())).contains("50 more entries dropped");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
