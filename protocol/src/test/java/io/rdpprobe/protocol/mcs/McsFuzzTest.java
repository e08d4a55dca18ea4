package io.rdpprobe.protocol.mcs;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.rdpprobe.protocol.codec.Layer;
import java.util.Arrays;

/** Jazzer targets for the T.125 BER (Connect-Initial/Response) and ALIGNED PER (domain PDUs) codecs (issue 15). */
class McsFuzzTest {
    @FuzzTest
    void domainPdu(byte[] in) {
        roundTrip(in, DomainPdu::decode, DomainPdu::encode);
    }

    @FuzzTest
    void connectResponse(byte[] in) {
        roundTrip(in, ConnectResponse::decode, ConnectResponse::encode);
    }

    @FuzzTest
    void connectInitial(byte[] in) {
        roundTrip(in, ConnectInitial::decode, ConnectInitial::encode);
    }

    /** The BER primitives; the first byte picks one. */
    @FuzzTest
    void ber(byte[] in) {
        if (in.length == 0) return;
        byte[] rest = Arrays.copyOfRange(in, 1, in.length);
        switch ((in[0] & 0xFF) % 6) {
            case 0 -> roundTrip(rest, b -> Ber.readLength(b, "f"), (v, out) -> Ber.writeLength(out, v));
            case 1 -> roundTrip(rest, b -> Ber.readInteger(b, "f"), (v, out) -> Ber.writeInteger(out, v));
            case 2 -> roundTrip(rest, b -> Ber.readEnumerated(b, "f"), (v, out) -> Ber.writeEnumerated(out, v));
            case 3 -> roundTrip(rest, b -> Ber.readBoolean(b, "f"), (v, out) -> Ber.writeBoolean(out, v));
            case 4 -> roundTrip(rest, b -> Ber.readOctetString(b, "f"), (v, out) -> Ber.writeOctetString(out, v));
            default -> roundTrip(rest, b -> DomainParameters.decode(b, "f"), DomainParameters::encode);
        }
    }

    /** The PER primitives; the first byte picks one. */
    @FuzzTest
    void per(byte[] in) {
        if (in.length == 0) return;
        byte[] rest = Arrays.copyOfRange(in, 1, in.length);
        switch ((in[0] & 0xFF) % 6) {
            case 0 -> roundTrip(rest, b -> Per.readLength(b, Layer.MCS, "f"), (v, out) -> Per.writeLength(out, v));
            case 1 -> roundTrip(rest, b -> Per.readInteger16(b, 1001, Layer.MCS, "f"), (v, out) -> Per.writeInteger16(out, v, 1001));
            case 2 -> roundTrip(rest, b -> Per.readInteger(b, Layer.MCS, "f"), (v, out) -> Per.writeInteger(out, v));
            case 3 -> roundTrip(rest, b -> Per.readObjectIdentifier(b, Layer.MCS, "f"), (v, out) -> Per.writeObjectIdentifier(out, v));
            case 4 -> roundTrip(rest, b -> Per.readOctetString(b, 4, Layer.MCS, "f"), (v, out) -> Per.writeOctetString(out, v, 4));
            default -> roundTrip(rest, b -> Per.readNumericString(b, 1, Layer.MCS, "f"), (v, out) -> Per.writeNumericString(out, v, 1));
        }
    }

}
