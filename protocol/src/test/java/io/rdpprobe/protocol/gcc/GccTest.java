package io.rdpprobe.protocol.gcc;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.mcs.ConnectInitial;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decodes Zeek's captures (read in place from ../shared, see {@link SharedCaptures}; skipped without it) and
 * asserts what Zeek's rdp.log baselines show.
 */
class GccTest {

    static void needsShared() {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
    }

    static byte[] gccOfInitial(byte[] frame) {
        return io.netty.buffer.ByteBufUtil.getBytes(ConnectInitial.decode(Mcs.userData(buf(frame))).userData());
    }

    /** The raw TS_UD_CS_* blocks of a Connect-Initial frame. */
    static byte[] clientBlocks(byte[] frame) {
        ConferenceCreateRequest req = ConferenceCreateRequest.decode(buf(gccOfInitial(frame)));
        ByteBuf b = Unpooled.buffer();
        req.userData().encode(b);
        return Fixtures.bytes(b);
    }

    static byte[] gccOfResponse(byte[] frame) {
        return ConnectResponse.decode(Mcs.userData(buf(frame))).userData();
    }

    @Test
    void proprietaryClientDataMatchesZeekBaseline() {
        needsShared();
        byte[] gcc = gccOfInitial(SharedCaptures.proprietaryConnectInitial());
        ConferenceCreateRequest req = ConferenceCreateRequest.decode(buf(gcc));
        assertThat(req.conferenceName()).isEqualTo("1");
        ClientCoreData core = req.userData().core().orElseThrow();
        // rdp.log: RDP 6.0? client_build, FROG-POND, 1152x864, 32bit, English - United States
        assertThat(core.clientName()).isEqualTo("FROG-POND");
        assertThat(core.clientBuild()).isEqualTo(6000);
        assertThat(core.keyboardLayout()).isEqualTo(0x409);
        assertThat(core.desktopWidth()).isEqualTo(1152);
        assertThat(core.desktopHeight()).isEqualTo(864);
        assertThat(core.requestedColorDepthLabel()).isEqualTo("32bit");
        assertThat(core.clientDigProductId()).isEmpty();
        ClientNetworkData net = req.userData().network().orElseThrow();
        assertThat(net.names()).containsExactly("rdpdr", "rdpsnd", "drdynvc", "cliprdr");
        // rdp-client-cluster-data/out lists the channel options
        assertThat(net.channels()).extracting(ChannelDef::options)
                .containsExactly(0x80800000, 0xc0000000, 0xc0800000, 0xc0a00000);
        assertThat(net.channels().get(0).optionNames()).containsExactly("CHANNEL_OPTION_INITIALIZED", "CHANNEL_OPTION_COMPRESS_RDP");
        // rdp-client-cluster-data/out: Flags 0000000d
        assertThat(req.userData().cluster().orElseThrow().flags()).isEqualTo(0x0d);
        // rdp-client-security-data/out: encryption_methods=27
        ClientSecurityData sec = req.userData().security().orElseThrow();
        assertThat(sec.encryptionMethods().value()).isEqualTo(27);
        assertThat(sec.encryptionMethods()).isSameAs(EncryptionMethod.ALL); // mstsc's mask: the shared record
        assertThat(sec.extEncryptionMethods()).isSameAs(EncryptionMethod.NONE);
        assertThat(sec.encryptionMethods().names()).containsExactly("ENCRYPTION_METHOD_40BIT", "ENCRYPTION_METHOD_128BIT",
                "ENCRYPTION_METHOD_56BIT", "ENCRYPTION_METHOD_FIPS");
        assertThat(req.encodedLength()).isEqualTo(gcc.length);
        assertThat(req.toBytes()).isEqualTo(gcc);
    }

    @Test
    void unknownKeyboardClientMatchesZeekBaseline() {
        needsShared();
        byte[] gcc = gccOfInitial(SharedCaptures.unknownKeyboardConnectInitial());
        ConferenceCreateRequest req = ConferenceCreateRequest.decode(buf(gcc));
        ClientCoreData core = req.userData().core().orElseThrow();
        assertThat(core.clientName()).isEqualTo("JOHN-PC-LAPTOP");
        assertThat(core.rdpVersion().name()).isEqualTo("RDP 5.0-8.1");
        assertThat(core.keyboardLayout()).isEqualTo(263198);
        assertThat(core.desktopWidth()).isEqualTo(1920);
        assertThat(core.desktopHeight()).isEqualTo(1080);
        assertThat(core.requestedColorDepthLabel()).isEqualTo("16bit");
        assertThat(core.clientDigProductId()).startsWith("3c571ed0-3415-474b-ae94-74e151b");
        assertThat(req.userData().network().orElseThrow().names()).containsExactly("rdpdr", "rdpsnd", "cliprdr", "drdynvc");
        assertThat(req.toBytes()).isEqualTo(gcc);
    }

    @Test
    void proprietaryServerDataMatchesZeekBaseline() {
        needsShared();
        byte[] gcc = gccOfResponse(SharedCaptures.proprietaryConnectResponse());
        ConferenceCreateResponse rsp = ConferenceCreateResponse.decode(buf(gcc));
        assertThat(rsp.result()).isZero();
        assertThat(rsp.resultName()).isEqualTo("success");
        ServerCoreData core = rsp.userData().core().orElseThrow();
        assertThat(core.rdpVersion().name()).isEqualTo("RDP 5.0-8.1");
        assertThat(core.clientRequestedProtocols()).isZero();
        ServerSecurityData sec = rsp.userData().security().orElseThrow();
        // rdp.log: cert_type RSA, cert_count 1, cert_permanent T, High, 128bit
        assertThat(sec.encryptionMethod().label()).isEqualTo("128bit");
        assertThat(sec.encryptionLevel().label()).isEqualTo("High");
        assertThat(sec.serverRandom()).hasSize(32);
        assertThat(sec.certificate().typeLabel()).isEqualTo("RSA");
        assertThat(sec.certificate().count()).isEqualTo(1);
        assertThat(sec.certificate().permanent()).isTrue();
        ProprietaryCertificate pc = (ProprietaryCertificate) sec.certificate();
        assertThat(pc.publicKey().bitlen()).isEqualTo(512);
        assertThat(pc.publicKey().pubExp()).isEqualTo(65537);
        assertThat(pc.signature()).hasSize(72);
        ServerNetworkData net = rsp.userData().network().orElseThrow();
        assertThat(net.ioChannelId()).isEqualTo(1003);
        assertThat(net.channelIds()).containsExactly(1004, 1005, 1006, 1007);
        assertThat(rsp.toBytes()).isEqualTo(gcc);
    }

    @Test
    void truncationsAndGarbage() {
        needsShared();
        for (byte[] f : List.of(SharedCaptures.proprietaryConnectInitial(), SharedCaptures.unknownKeyboardConnectInitial())) {
            byte[] gcc = gccOfInitial(f);
            Fixtures.assertTruncationsFail(gcc, ConferenceCreateRequest::decode);
            Fixtures.assertGarbageOnlyDecodeException(gcc, 3000, ConferenceCreateRequest::decode);
        }
        byte[] rsp = gccOfResponse(SharedCaptures.proprietaryConnectResponse());
        Fixtures.assertTruncationsFail(rsp, ConferenceCreateResponse::decode);
        Fixtures.assertGarbageOnlyDecodeException(rsp, 3000, ConferenceCreateResponse::decode);
    }

    @Test
    void malformedPer() {
        needsShared();
        byte[] gcc = gccOfInitial(SharedCaptures.proprietaryConnectInitial());
        // wrong OID arc
        byte[] bad = gcc.clone();
        bad[3] = 0x15;
        assertThatThrownBy(() -> ConferenceCreateRequest.decode(buf(bad)))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.field()).contains("t124Identifier"));
        // wrong H.221 key
        byte[] key = gcc.clone();
        int i = indexOf(key, "Duca".getBytes());
        key[i] = 'X';
        assertThatThrownBy(() -> ConferenceCreateRequest.decode(buf(key))).isInstanceOf(DecodeException.class);
    }

    @Test
    void malformedPerLengths() {
        // fragmented PER length
        assertThatThrownBy(() -> ConferenceCreateRequest.decode(buf(Wire.unhex("000500147c0001c0"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        // block length below 4
        assertThatThrownBy(() -> ClientData.decode(buf(Wire.unhex("01c00200"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
        // channel count beyond 31
        assertThatThrownBy(() -> ClientData.decode(buf(Wire.unhex("03c0080020000000"))))
                .isInstanceOfSatisfying(DecodeException.class, e -> assertThat(e.kind()).isEqualTo(DecodeException.Kind.INVALID_LENGTH));
    }

    @Test
    void unknownBlocksKeptRaw() {
        ClientData d = ClientData.decode(buf(Wire.unhex("0cc00800aabbccdd")));
        assertThat(d.blocks()).hasSize(1);
        RawBlock raw = (RawBlock) d.blocks().get(0);
        assertThat(raw.name()).isEqualTo("CS_UNUSED1");
        ByteBuf out = Unpooled.buffer();
        d.encode(out);
        assertThat(Fixtures.bytes(out)).isEqualTo(Wire.unhex("0cc00800aabbccdd"));
    }

    @Test
    void serverBlocksRoundTrip() {
        ServerData sd = new ServerData(List.of(new ServerCoreData(0x0008000C, 3, 0x8),
                new ServerSecurityData(EncryptionMethod.NONE, EncryptionLevel.NONE, null, null),
                new ServerNetworkData(1003, List.of(1004, 1005, 1006)), new ServerMessageChannelData(1007),
                new ServerMultitransportData(0x101)));
        ConferenceCreateResponse rsp = ConferenceCreateResponse.of(sd);
        ConferenceCreateResponse back = ConferenceCreateResponse.decode(buf(rsp.toBytes()));
        assertThat(back.userData().core().orElseThrow().rdpVersion().name()).isEqualTo("RDP 10.7");
        assertThat(back.userData().core().orElseThrow().skipChannelJoinSupported()).isTrue();
        assertThat(back.userData().network().orElseThrow().padded()).isTrue();
        assertThat(back.userData().messageChannel().orElseThrow().channelId()).isEqualTo(1007);
        assertThat(back.userData().multitransport().orElseThrow().flagNames())
                .containsExactly("TRANSPORT_TYPE_UDP_FECR", "TRANSPORT_TYPE_UDP_PREFERRED");
        assertThat(back.toBytes()).isEqualTo(rsp.toBytes());
    }

    static int indexOf(byte[] h, byte[] n) {
        outer:
        for (int i = 0; i <= h.length - n.length; i++) {
            for (int j = 0; j < n.length; j++) if (h[i + j] != n[j]) continue outer;
            return i;
        }
        return -1;
    }
}
