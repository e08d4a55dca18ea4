package io.rdpprobe.protocol.gcc;

import static io.rdpprobe.protocol.mcs.Fixtures.buf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.mcs.Fixtures;
import io.rdpprobe.protocol.testutil.SharedCaptures;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientBlocksTest {
    @Test
    void optionalClientBlocksRoundTrip() {
        ClientData d = new ClientData(List.of(
                new ClientMonitorData(0, List.of(new ClientMonitorData.Monitor(0, 0, 1919, 1079, 1),
                        new ClientMonitorData.Monitor(1920, 0, 3839, 1079, 0))),
                new ClientMessageChannelData(0),
                new ClientMultitransportData(0x305),
                new ClientClusterData(0x0D, 0)));
        ByteBuf b = Unpooled.buffer();
        d.encode(b);
        byte[] bytes = Fixtures.bytes(b);
        assertThat(bytes).hasSize(d.encodedLength());
        ClientData back = ClientData.decode(buf(bytes));
        assertThat(back.monitor().orElseThrow().monitors()).hasSize(2);
        assertThat(back.monitor().orElseThrow().monitors().get(0).primary()).isTrue();
        assertThat(back.messageChannel()).isPresent();
        assertThat(back.multitransport().orElseThrow().flagNames()).containsExactly("TRANSPORT_TYPE_UDP_FECR",
                "TRANSPORT_TYPE_UDP_FECL", "TRANSPORT_TYPE_UDP_PREFERRED", "SOFTSYNC_TCP_TO_UDP");
        assertThat(back.cluster().orElseThrow().flagNames()).containsExactly("REDIRECTION_SUPPORTED", "REDIRECTION_VERSION4");
        ByteBuf again = Unpooled.buffer();
        back.encode(again);
        assertThat(Fixtures.bytes(again)).isEqualTo(bytes);
        Fixtures.assertGarbageOnlyDecodeException(bytes, 2000, ClientData::decode);
    }

    @Test
    void realClientCoreDataHasTheOptionalTail() {
        assumeTrue(SharedCaptures.available(), "shared/ not present");
        // the real RDP 8.1 client of Zeek's rdp-unknown-keyboard.pcap (read in place from ../shared)
        ClientCoreData full = (ClientCoreData) ClientData.decode(buf(GccTest.clientBlocks(
                SharedCaptures.unknownKeyboardConnectInitial()))).blocks().get(0);
        assertThat(full.earlyCapabilityNames()).isNotEmpty();
    }

    @Test
    void coreDataOptionalTailStopsAtFirstAbsentField() {
        ClientCoreData shortCore = new ClientCoreData(0x00080004, 800, 600, 0xCA01, 0xAA03, 0x409, 2600, "OLD", 4, 0, 12, "",
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, new byte[0]);
        ByteBuf b = Unpooled.buffer();
        shortCore.encode(b);
        assertThat(b.readableBytes()).isEqualTo(ClientCoreData.FIXED_SIZE);
        ClientCoreData back = (ClientCoreData) ClientData.decodeBlock(b);
        assertThat(back.postBeta2ColorDepth()).isNull();
        assertThat(back.requestedColorDepthLabel()).isEqualTo("8bit");
        assertThat(back.rdpVersion().name()).isEqualTo("RDP 5.0-8.1");
    }
}
