package io.rdpprobe.protocol.testutil;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.credssp.TsCredentials;
import io.rdpprobe.protocol.credssp.TsPasswordCreds;
import io.rdpprobe.protocol.credssp.TsRequest;
import io.rdpprobe.protocol.errors.ErrorInfo;
import io.rdpprobe.protocol.gcc.ConferenceCreateResponse;
import io.rdpprobe.protocol.gcc.EncryptionLevel;
import io.rdpprobe.protocol.gcc.EncryptionMethod;
import io.rdpprobe.protocol.gcc.ServerCoreData;
import io.rdpprobe.protocol.gcc.ServerData;
import io.rdpprobe.protocol.gcc.ServerNetworkData;
import io.rdpprobe.protocol.gcc.ServerSecurityData;
import io.rdpprobe.protocol.mcs.ConnectResponse;
import io.rdpprobe.protocol.mcs.DomainParameters;
import io.rdpprobe.protocol.mcs.Mcs;
import io.rdpprobe.protocol.mcs.McsResult;
import io.rdpprobe.protocol.ntlm.ChallengeMessage;
import io.rdpprobe.protocol.rdg.ChannelCreate;
import io.rdpprobe.protocol.rdg.ChannelResponse;
import io.rdpprobe.protocol.rdg.CloseChannel;
import io.rdpprobe.protocol.rdg.DataPacket;
import io.rdpprobe.protocol.rdg.HandshakeRequest;
import io.rdpprobe.protocol.rdg.HandshakeResponse;
import io.rdpprobe.protocol.rdg.RdgPacket;
import io.rdpprobe.protocol.rdg.ServiceMessage;
import io.rdpprobe.protocol.rdg.TunnelAuthResponse;
import io.rdpprobe.protocol.rdg.TunnelResponse;
import io.rdpprobe.protocol.rdp.SetErrorInfoPdu;
import io.rdpprobe.protocol.spnego.NegTokenInit;
import io.rdpprobe.protocol.spnego.NegTokenResp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the small seed inputs of the Jazzer targets ({@code seed-*} files under
 * testdata/fuzz/protocol/<pkg>/<Class>Inputs/<method>/) from the project's own fixtures (testdata/fixtures) and
 * encoders. Run only on demand: {@code mvn -o -pl protocol test -Dtest=WriteFuzzSeeds -Dfuzz.writeSeeds=true}.
 * The regression replay of plain {@code mvn verify} then feeds every seed through its target.
 */
class WriteFuzzSeeds {
    static final Path RES = Path.of("../testdata/fuzz/protocol/io/rdpprobe/protocol");

    static void seed(String pkgClassMethod, String name, byte[] data) throws IOException {
        Path dir = RES.resolve(pkgClassMethod.replace('.', '/').replace("#", "/").replaceFirst("/([A-Za-z0-9]+FuzzTest)/", "/$1Inputs/"));
        Files.createDirectories(dir);
        Files.write(dir.resolve("seed-" + name), data);
    }

    static byte[] fx(String rel) {
        return Fixtures.hex(rel);
    }

    /** The MCS user data of a TPKT + X.224 DT + MCS frame. */
    static byte[] mcs(byte[] frame) {
        return ByteBufUtil.getBytes(Mcs.userData(Unpooled.wrappedBuffer(frame)));
    }

    /** The Send Data payload of a frame, after {@code skip} bytes (4 for a basic security header). */
    static byte[] sendData(byte[] frame, int skip) {
        byte[] m = mcs(frame);
        ByteBuf b = Unpooled.wrappedBuffer(m);
        b.skipBytes(6);
        int len = io.rdpprobe.protocol.mcs.Per.readLength(b, io.rdpprobe.protocol.codec.Layer.MCS, "len");
        return Arrays.copyOfRange(m, b.readerIndex() + skip, b.readerIndex() + len);
    }

    static byte[] enc(RdgPacket p) {
        ByteBuf b = Unpooled.buffer();
        p.encode(b);
        return ByteBufUtil.getBytes(b);
    }

    @Test
    @EnabledIfSystemProperty(named = "fuzz.writeSeeds", matches = "true")
    void write() throws IOException {
        byte[] cr = fx("x224/xfreerdp-cr-nla.hex");
        byte[] cc = fx("x224/xrdp-tls-req1.hex");
        byte[] dpu = fx("x224/xrdp-tls-req0-next.hex");
        byte[] ch12 = fx("tls/client-hello-tls12.hex");
        for (String t : List.of("tpkt.TpktFuzzTest#frameProbe", "tpkt.TpktFuzzTest#tpktHeader", "x224.X224FuzzTest#x224Tpdu")) {
            seed(t, "cr-nla", cr);
            seed(t, "cc-ssl", cc);
            seed(t, "dt-ultimatum", dpu);
        }
        seed("tpkt.TpktFuzzTest#frameProbe", "tls-client-hello", Arrays.copyOf(ch12, 5));
        seed("tpkt.TpktFuzzTest#frameProbe", "fastpath", new byte[] {0x00, 0x08, 0, 0, 0, 0, 0, 0});

        // MCS + GCC
        ServerData sd = new ServerData(List.of(new ServerCoreData(0x80004, 3, 0),
                new ServerSecurityData(EncryptionMethod.NONE, EncryptionLevel.NONE, null, null),
                new ServerNetworkData(1003, List.of(1004, 1005))));
        byte[] gcc = ConferenceCreateResponse.of(sd).toBytes();
        byte[] resp = Mcs.frame(new ConnectResponse(McsResult.SUCCESSFUL, 0, new DomainParameters(34, 3, 0, 1, 0, 1, 0xFFF8, 2), gcc));
        seed("mcs.McsFuzzTest#connectResponse", "demo-like", mcs(resp));
        seed("gcc.GccFuzzTest#conferenceCreateResponse", "demo-like", gcc);
        ByteBuf sdb = Unpooled.buffer();
        sd.encode(sdb);
        seed("gcc.GccFuzzTest#serverData", "core-sec-net", ByteBufUtil.getBytes(sdb));
        seed("gcc.GccFuzzTest#clientData", "raw-block", Wire("0cc00800aabbccdd"));
        for (String[] d : new String[][] {{"attach-confirm", "2e000006"}, {"join-request", "38000603eb"}, {"ultimatum", "2080"},
                {"join-confirm", "3e000006 03eb03eb"}, {"erect", "0401000100"}, {"send-data", "68000103eb700401020304"}}) {
            seed("mcs.McsFuzzTest#domainPdu", d[0], Wire(d[1]));
        }
        seed("mcs.McsFuzzTest#ber", "domain-params", concat(new byte[] {5}, Arrays.copyOfRange(mcs(resp), 9, 9 + 28)));
        seed("mcs.McsFuzzTest#ber", "length-long", Wire("00820100"));
        seed("mcs.McsFuzzTest#per", "oid", Wire("03 0500 1400 7c 0001"));
        seed("mcs.McsFuzzTest#per", "numeric", Wire("05 00 01"));

        // licensing and share PDUs (xrdp recordings)
        seed("licensing.LicensingFuzzTest#licensePdu", "xrdp-license-request", sendData(fx("licensing/xrdp-tls-license-request.hex"), 4));
        seed("licensing.LicensingFuzzTest#licensePdu", "xrdp-valid-client", sendData(fx("licensing/xrdp-tls-valid-client.hex"), 4));
        byte[] newLic = sendData(fx("licensing/xfreerdp-tls-new-license-request.hex"), 4);
        seed("licensing.LicensingFuzzTest#clientNewLicenseRequest", "xfreerdp", Arrays.copyOfRange(newLic, 4, newLic.length));
        byte[] demand = sendData(fx("licensing/xrdp-tls-demand-active.hex"), 0);
        seed("rdp.ShareFuzzTest#sharePdus", "xrdp-demand-active", demand);
        seed("rdp.ShareFuzzTest#sharePdus", "set-error-info", SetErrorInfoPdu.encode(0x103ea, ErrorInfo.SERVER_DENIED_CONNECTION));
        ByteBuf caps = Unpooled.wrappedBuffer(demand);
        caps.skipBytes(6 + 4);
        int lsd = caps.readUnsignedShortLE();
        int lcc = caps.readUnsignedShortLE();
        caps.skipBytes(lsd);
        int n = caps.readUnsignedShortLE();
        caps.skipBytes(2);
        seed("rdp.ShareFuzzTest#capabilitySets", "xrdp", concat(new byte[] {(byte) n}, ByteBufUtil.getBytes(caps, caps.readerIndex(), lcc - 4)));
        seed("rdp.ShareFuzzTest#securityAndInfo", "sec-header", Wire("00 0800 0000 0102030405060708"));
        seed("rdp.ShareFuzzTest#securityAndInfo", "fips-header", Wire("01 0800 0000 1000 0104 0102030405060708"));

        // CredSSP, SPNEGO, NTLM
        for (String f : List.of("tsrequest-v6-errorcode-logon-failure", "freerdp-2.11-shadow-challenge-v6", "freerdp-2.11-shadow-pubkeyauth-v6")) {
            seed("credssp.CredSspFuzzTest#tsRequest", f, fx("credssp/" + f + ".hex"));
        }
        TsPasswordCreds pw = new TsPasswordCreds("CORP", "alice", "x".toCharArray());
        seed("credssp.CredSspFuzzTest#credentials", "ts-credentials", concat(new byte[] {0}, new TsCredentials(1, pw.toBytes()).toBytes()));
        seed("credssp.CredSspFuzzTest#credentials", "password-creds", concat(new byte[] {1}, pw.toBytes()));
        seed("credssp.CredSspFuzzTest#credentials", "early-user-auth", Wire("02 00000000"));
        byte[] challenge = fx("ntlm/ms-nlmp-4.2.4.3-challenge.hex");
        byte[] auth = fx("ntlm/ms-nlmp-4.2.4.3-authenticate.hex");
        seed("ntlm.NtlmFuzzTest#challenge", "ms-nlmp", challenge);
        seed("ntlm.NtlmFuzzTest#authenticate", "ms-nlmp", auth);
        seed("ntlm.NtlmFuzzTest#negotiate", "minimal", Wire("4e544c4d53535000 01000000 97b208e2 0000000000000000 0000000000000000"));
        seed("ntlm.NtlmFuzzTest#avPairs", "ms-nlmp-target-info",
                ChallengeMessage.decode(Unpooled.wrappedBuffer(challenge)).targetInfo().toBytes());
        byte[] neg = Wire("4e544c4d53535000 01000000 97b208e2 0000000000000000 0000000000000000");
        seed("spnego.SpnegoFuzzTest#spnego", "neg-token-init", NegTokenInit.ntlm(neg).toBytes());
        seed("spnego.SpnegoFuzzTest#spnego", "neg-token-resp", new NegTokenResp(1, "1.3.6.1.4.1.311.2.2.10", challenge, null).toBytes());

        // TLS
        for (String f : List.of("client-hello-tls12", "server-flight-tls12", "server-flight-tls13")) {
            seed("tls.TlsFuzzTest#tlsFlight", f, fx("tls/" + f + ".hex"));
        }
        seed("tls.TlsFuzzTest#tlsFlight", "alert", Wire("1503030002022e"));

        // MS-TSGU
        List<RdgPacket> rdg = List.of(HandshakeRequest.of(0), new HandshakeResponse(0, 1, 0, 0, 0),
                TunnelResponse.of(0, 42L, 0x3fL, "consent"), TunnelAuthResponse.of(0, 0x80000000L, 30L),
                ChannelCreate.of("ts1.corp.example", 3389), ChannelResponse.of(0, 1L), new DataPacket(new byte[] {3, 0, 0, 4}),
                new ServiceMessage("maintenance"), new CloseChannel(false, 0));
        for (RdgPacket p : rdg) {
            String name = p.getClass().getSimpleName();
            seed("rdg.RdgFuzzTest#rdgPacket", name, enc(p));
        }
        seed("rdg.RdgFuzzTest#frameAndPayload", "stream", concat(enc(rdg.get(1)), enc(rdg.get(2)), enc(rdg.get(6)), enc(rdg.get(8))));
    }

    static byte[] Wire(String hex) {
        return io.rdpprobe.protocol.codec.Wire.unhex(hex.replace(" ", ""));
    }

    static byte[] concat(byte[]... parts) {
        ByteBuf b = Unpooled.buffer();
        for (byte[] p : parts) b.writeBytes(p);
        return ByteBufUtil.getBytes(b);
    }
}
