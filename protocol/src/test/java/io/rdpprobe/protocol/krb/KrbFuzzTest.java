package io.rdpprobe.protocol.krb;

import static io.rdpprobe.protocol.testutil.FuzzOracle.decode;
import static io.rdpprobe.protocol.testutil.FuzzOracle.roundTrip;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBufUtil;

/**
 * Jazzer targets for the Kerberos codecs (issue 15, for the decoders issue 10 added): a KDC's reply as it comes off
 * TCP (the 4-byte record length, then KRB-ERROR or AS-REP), and the DER structures inside it. Seeds: the replies
 * recorded from the lab's MIT KDC (testdata/fixtures/kerberos).
 */
class KrbFuzzTest {
    @FuzzTest
    void kdcReply(byte[] in) {
        decode(in, KdcReply::tcpLength);
        decode(in, KdcReply::decode);
        roundTrip(in, KrbError::decode, KrbError::encode);
        roundTrip(in, AsReq::decode, AsReq::encode);
        decode(in, b -> EtypeInfo2.decode(ByteBufUtil.getBytes(b)));
        decode(in, b -> PaData.decodeMethodData(ByteBufUtil.getBytes(b)));
        decode(in, b -> KrbTicket.decode(ByteBufUtil.getBytes(b)));
    }
}
