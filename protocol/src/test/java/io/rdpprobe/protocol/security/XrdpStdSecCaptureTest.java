package io.rdpprobe.protocol.security;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static io.rdpprobe.protocol.testutil.SharedCaptures.domainPdu;
import static io.rdpprobe.protocol.testutil.SharedCaptures.labFirst;
import static io.rdpprobe.protocol.testutil.SharedCaptures.labFrames;
import static io.rdpprobe.protocol.testutil.SharedCaptures.mcs;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.gcc.ChannelDef;
import io.rdpprobe.protocol.gcc.ClientCoreData;
import io.rdpprobe.protocol.gcc.ConferenceCreateRequest;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.ProprietaryCertificate;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.mcs.AttachUserConfirm;
import io.rdpprobe.protocol.mcs.AttachUserRequest;
import io.rdpprobe.protocol.mcs.ChannelJoinConfirm;
import io.rdpprobe.protocol.mcs.ChannelJoinRequest;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.DisconnectProviderUltimatum;
import io.rdpprobe.protocol.mcs.DomainParameters;
import io.rdpprobe.protocol.mcs.DomainPdu;
import io.rdpprobe.protocol.mcs.ErectDomainRequest;
import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.mcs.SendData;
import io.rdpprobe.protocol.rdp.SecurityExchangePdu;
import io.rdpprobe.protocol.rdp.SecurityFlags;
import io.rdpprobe.protocol.rdp.SecurityHeader;
import io.rdpprobe.protocol.testutil.SharedCaptures.Direction;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The project's own lab capture testdata/captures/xrdp-rdp-stdsec.pcap (xfreerdp 2.11 /sec:rdp against xrdp
 * 0.9.21 in rdp mode, Standard RDP Security; recorded on loopback, see PROVENANCE.md there), read in place: the
 * plaintext Connect-Initial/Response with xrdp's proprietary certificate, the MCS domain PDUs and the Security
 * Exchange. Always runs (no ../shared needed).
 */
class XrdpStdSecCaptureTest {
    static final String LAB = "xrdp-rdp-stdsec.pcap";

    static byte[] mcsOf(byte[] frame) {
        return Fixtures.bytes(Mcs.userData(buf(frame)));
    }

    /** Frame 8: xfreerdp's Connect-Initial. */
    static byte[] connectInitial() {
        return labFirst(LAB, Direction.CLIENT_TO_SERVER, mcs(0x7f, 0x65));
    }

    /** Frame 10: xrdp's Connect-Response. */
    static byte[] connectResponse() {
        return labFirst(LAB, Direction.SERVER_TO_CLIENT, mcs(0x7f, 0x66));
    }

    @Test
    void xfreerdpConnectInitial() {
        byte[] frame = connectInitial();
        assertThat(frame).hasSize(439);
        ConnectInitial ci = ConnectInitial.decode(buf(mcsOf(frame)));
        assertThat(ci.upwardFlag()).isTrue();
        assertThat(ci.targetParameters()).isEqualTo(DomainParameters.TARGET);
        // FreeRDP writes long-form BER lengths, so the frame is not re-encoded byte for byte; by value it is
        ConnectInitial again = ConnectInitial.decode(Mcs.userData(buf(Mcs.frame(ci))));
        assertThat(again.targetParameters()).isEqualTo(ci.targetParameters());
        assertThat(again.minimumParameters()).isEqualTo(ci.minimumParameters());
        assertThat(again.maximumParameters()).isEqualTo(ci.maximumParameters());
        assertThat(again.userData()).isEqualTo(ci.userData());

        byte[] gcc = io.netty.buffer.ByteBufUtil.getBytes(ci.userData());
        ConferenceCreateRequest req = ConferenceCreateRequest.decode(buf(gcc));
        ClientCoreData core = req.userData().core().orElseThrow();
        assertThat(core.clientName()).isEqualTo("vm");
        assertThat(core.clientBuild()).isEqualTo(18363);
        assertThat(core.desktopWidth()).isEqualTo(640);
        assertThat(core.desktopHeight()).isEqualTo(480);
        assertThat(core.keyboardLayout()).isEqualTo(0x409);
        assertThat(core.highColorDepth()).isEqualTo(16);
        assertThat(core.earlyCapabilityFlags()).isEqualTo(0x4e1);
        assertThat(core.connectionType()).isEqualTo(6);
        assertThat(core.serverSelectedProtocol()).isZero();
        assertThat(req.userData().cluster().orElseThrow().flags()).isEqualTo(0x0d);
        assertThat(req.userData().security().orElseThrow().encryptionMethods().value()).isEqualTo(27);
        assertThat(req.userData().network().orElseThrow().channels()).containsExactly(new ChannelDef("rdpdr", 0xc0800000),
                new ChannelDef("rdpsnd", 0xc0000000), new ChannelDef("drdynvc", 0xc0800000));
        assertThat(req.toBytes()).isEqualTo(gcc);
        Fixtures.assertTruncationsFail(gcc, ConferenceCreateRequest::decode);
        Fixtures.assertGarbageOnlyDecodeException(gcc, 2000, ConferenceCreateRequest::decode);
    }

    @Test
    void xrdpConnectResponseWithProprietaryCertificate() {
        byte[] frame = connectResponse();
        assertThat(frame).hasSize(525);
        ConnectResponse cr = ConnectResponse.decode(buf(mcsOf(frame)));
        assertThat(cr.result()).isEqualTo(McsResult.SUCCESSFUL);
        assertThat(cr.domainParameters()).isEqualTo(new DomainParameters(22, 3, 0, 1, 0, 1, 0xFFF8, 2));
        byte[] gcc = cr.userData();
        ConferenceCreateResponse rsp = ConferenceCreateResponse.decode(buf(gcc));
        assertThat(rsp.resultName()).isEqualTo("success");
        assertThat(rsp.userData().core().orElseThrow().version()).isEqualTo(0x00080004);
        assertThat(rsp.userData().network().orElseThrow().ioChannelId()).isEqualTo(1003);
        assertThat(rsp.userData().network().orElseThrow().channelIds()).containsExactly(1004, 1005, 1006);
        ServerSecurityData sec = rsp.userData().security().orElseThrow();
        assertThat(sec.encryptionMethod().label()).isEqualTo("128bit");
        assertThat(sec.encryptionLevel().label()).isEqualTo("High");
        assertThat(sec.serverRandom()).hasSize(32);
        assertThat(sec.certificate().typeLabel()).isEqualTo("RSA");
        assertThat(sec.certificate().count()).isEqualTo(1);
        assertThat(sec.certificate().permanent()).isTrue();
        ProprietaryCertificate pc = (ProprietaryCertificate) sec.certificate();
        assertThat(pc.publicKey().bitlen()).isEqualTo(2048);
        assertThat(pc.publicKey().pubExp()).isEqualTo(65537);
        assertThat(pc.signature()).hasSize(72);
        // xrdp signs its certificate with the well-known Terminal Services key, as Windows does
        assertThat(TerminalServicesKey.verify(pc)).isEqualTo(TerminalServicesKey.Verification.VALID);
        assertThat(TerminalServicesKey.sign(pc.signedData())).isEqualTo(pc.signature());
        assertThat(rsp.toBytes()).isEqualTo(gcc);
        Fixtures.assertTruncationsFail(gcc, ConferenceCreateResponse::decode);
        Fixtures.assertGarbageOnlyDecodeException(gcc, 2000, ConferenceCreateResponse::decode);
    }

    @Test
    void domainPdusRoundTrip() {
        List<byte[]> frames = new ArrayList<>();
        List<DomainPdu> expected = new ArrayList<>();
        frames.add(labFirst(LAB, Direction.CLIENT_TO_SERVER, domainPdu(1)));
        expected.add(new ErectDomainRequest(0, 0));
        frames.add(labFirst(LAB, Direction.CLIENT_TO_SERVER, domainPdu(10)));
        expected.add(new AttachUserRequest());
        frames.add(labFirst(LAB, Direction.SERVER_TO_CLIENT, domainPdu(11)));
        expected.add(new AttachUserConfirm(McsResult.SUCCESSFUL, 1007));
        List<byte[]> joinReq = labFrames(Direction.CLIENT_TO_SERVER, LAB, domainPdu(14));
        List<byte[]> joinCfm = labFrames(Direction.SERVER_TO_CLIENT, LAB, domainPdu(15));
        int[] channels = {1007, 1003, 1004, 1005, 1006};
        assertThat(joinReq).hasSize(channels.length);
        assertThat(joinCfm).hasSize(channels.length);
        for (int i = 0; i < channels.length; i++) {
            frames.add(joinReq.get(i));
            expected.add(new ChannelJoinRequest(1007, channels[i]));
            frames.add(joinCfm.get(i));
            expected.add(new ChannelJoinConfirm(McsResult.SUCCESSFUL, 1007, channels[i], channels[i]));
        }
        frames.add(labFirst(LAB, Direction.SERVER_TO_CLIENT, domainPdu(8)));
        expected.add(DisconnectProviderUltimatum.USER_REQUESTED);
        for (int i = 0; i < frames.size(); i++) {
            DomainPdu p = DomainPdu.decode(buf(mcsOf(frames.get(i))));
            assertThat(p).isEqualTo(expected.get(i));
            assertThat(Mcs.frame(p)).as("%s", p).isEqualTo(frames.get(i));
        }
    }

    @Test
    void xfreerdpSecurityExchangeAndEncryptedClientInfo() {
        List<byte[]> sdrq = labFrames(Direction.CLIENT_TO_SERVER, LAB, domainPdu(25));
        assertThat(sdrq).hasSize(2);
        SendData sx = (SendData) DomainPdu.decode(Mcs.userData(buf(sdrq.get(0))));
        assertThat(sx.indication()).isFalse();
        assertThat(sx.initiator()).isEqualTo(1007);
        assertThat(sx.channelId()).isEqualTo(1003);
        byte[] data = Fixtures.bytes(sx.data());
        SecurityExchangePdu x = SecurityExchangePdu.decode(buf(data));
        assertThat(SecurityFlags.names(x.flags())).containsExactly("SEC_EXCHANGE_PKT", "SEC_LICENSE_ENCRYPT");
        // 2048-bit server key: 256 bytes of encrypted client random + 8 bytes of zero padding
        assertThat(x.encryptedClientRandom()).hasSize(264);
        assertThat(Arrays.copyOfRange(x.encryptedClientRandom(), 256, 264)).containsOnly(0);
        ByteBuf out = Unpooled.buffer();
        x.encode(out);
        assertThat(Fixtures.bytes(out)).isEqualTo(data);
        Fixtures.assertTruncationsFail(data, SecurityExchangePdu::decode);

        SendData info = (SendData) DomainPdu.decode(Mcs.userData(buf(sdrq.get(1))));
        SecurityHeader h = SecurityHeader.decode(info.data(), false);
        // xfreerdp asks for the salted MAC (SEC_SECURE_CHECKSUM); xrdp 0.9.21 checks the plain MAC and logs
        // 'MAC checksum error', then disconnects (the DPUm above) - see PROVENANCE.md
        assertThat(h.flagNames()).containsExactly("SEC_ENCRYPT", "SEC_INFO_PKT", "SEC_SECURE_CHECKSUM");
        assertThat(h.signature()).hasSize(8);
    }
}
