package io.rdpprobe.protocol.rdp;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import java.util.Arrays;
import java.util.List;

/** Jazzer targets for the slow-path share PDUs, Set Error Info, Demand Active and capability sets (issue 15). */
class ShareFuzzTest {
    /** Every share PDU in the buffer, as a Send Data Indication may carry several; data PDUs down to Set Error Info. */
    @FuzzTest
    void sharePdus(byte[] in) {
        decode(in, b -> {
            int n = 0;
            while (b.isReadable() && n++ < 64) {
                SharePdu p = SharePdu.decode(b);
                if (p instanceof DataPdu d) {
                    ShareDataHeader h = d.dataHeader();
                    if (h.pduType2() == ShareDataHeader.PDUTYPE2_SET_ERROR_INFO_PDU) {
                        SetErrorInfoPdu.decode(Unpooled.wrappedBuffer(d.body())).errorInfo().name();
                    } else if (h.pduType2() == ShareDataHeader.PDUTYPE2_SAVE_SESSION_INFO) {
                        SaveSessionInfoPdu.decode(Unpooled.wrappedBuffer(d.body()));
                    }
                }
                if (p instanceof DemandActivePdu da) {
                    checkDemandActive(da);
                }
            }
            return n;
        });
    }

    static void checkDemandActive(DemandActivePdu da) {
        da.capabilityNames();
        da.general();
        da.bitmap();
        da.sourceDescriptorText();
        byte[] again = DemandActivePdu.encode(da.header().pduSource(), da.shareId(), da.capabilities(),
                da.sessionId() == null ? 0 : da.sessionId());
        SharePdu p;
        try {
            p = SharePdu.decode(Unpooled.wrappedBuffer(again));
        } catch (DecodeException e) {
            throw new AssertionError("re-encoded Demand Active does not decode", e);
        }
        if (!(p instanceof DemandActivePdu d2) || d2.shareId() != da.shareId()
                || !sameCaps(d2.capabilities(), da.capabilities())) {
            throw new AssertionError("Demand Active round trip changed " + da + " into " + p);
        }
    }

    static boolean sameCaps(List<CapabilitySet> a, List<CapabilitySet> b) {
        if (a.size() != b.size()) return false;
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).type() != b.get(i).type() || !Arrays.equals(a.get(i).data(), b.get(i).data())) return false;
        }
        return true;
    }

    /** A capability list: the first byte is numberCapabilities; each set's typed view is read too. */
    @FuzzTest
    void capabilitySets(byte[] in) {
        if (in.length == 0) return;
        byte[] rest = Arrays.copyOfRange(in, 1, in.length);
        int count = in[0] & 0xFF;
        roundTrip(rest, b -> {
            List<CapabilitySet> l = CapabilitySet.decodeList(b, count);
            for (CapabilitySet c : l) {
                c.name();
                if (c.type() == CapabilitySet.GENERAL) c.general();
                if (c.type() == CapabilitySet.BITMAP) c.bitmap();
            }
            return l;
        }, (l, out) -> l.forEach(c -> c.encode(out)));
    }

    @FuzzTest
    void securityAndInfo(byte[] in) {
        if (in.length == 0) return;
        byte[] rest = Arrays.copyOfRange(in, 1, in.length);
        switch ((in[0] & 0xFF) % 5) {
            case 0 -> roundTrip(rest, b -> SecurityHeader.decode(b, false), SecurityHeader::encode);
            case 1 -> roundTrip(rest, b -> SecurityHeader.decode(b, true), SecurityHeader::encode);
            case 2 -> roundTrip(rest, InfoPacket::decode, InfoPacket::encode);
            case 3 -> roundTrip(rest, SecurityExchangePdu::decode, SecurityExchangePdu::encode);
            default -> roundTrip(rest, ShareDataHeader::decode, ShareDataHeader::encode);
        }
    }
}
