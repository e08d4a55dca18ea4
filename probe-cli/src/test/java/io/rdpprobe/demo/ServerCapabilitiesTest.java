package io.rdpprobe.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.rdp.CapabilitySet;
import io.rdpprobe.protocol.rdp.DemandActivePdu;
import io.rdpprobe.protocol.rdp.SharePdu;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerCapabilitiesTest {

    @Test
    void demandActiveDecodesWithSpecSizedSets() {
        ByteBuf b = Unpooled.wrappedBuffer(ServerCapabilities.demandActive(1920, 1080, 32));
        DemandActivePdu d = (DemandActivePdu) SharePdu.decode(b);
        assertThat(b.isReadable()).isFalse();
        assertThat(d.shareId()).isEqualTo(RdpServerSession.SHARE_ID);
        assertThat(d.sourceDescriptorText()).isEqualTo("RDP");
        assertThat(d.sessionId()).isEqualTo(2);
        assertThat(d.bitmap()).hasValue(new CapabilitySet.Bitmap(32, 1920, 1080, true));
        CapabilitySet.General g = d.general().orElseThrow();
        assertThat(g.osMajorName()).isEqualTo("OSMAJORTYPE_WINDOWS");
        assertThat(g.protocolVersion()).isEqualTo(0x0200);
        // lengthCapability of each set, header included, as MS-RDPBCGR 2.2.7 fixes them
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (CapabilitySet c : d.capabilities()) {
            sizes.put(c.name(), c.encodedLength());
        }
        assertThat(sizes).containsEntry("CAPSTYPE_GENERAL", 24).containsEntry("CAPSTYPE_BITMAP", 28)
                .containsEntry("CAPSTYPE_ORDER", 88).containsEntry("CAPSTYPE_POINTER", 10)
                .containsEntry("CAPSTYPE_INPUT", 88).containsEntry("CAPSTYPE_VIRTUALCHANNEL", 12)
                .containsEntry("CAPSTYPE_SHARE", 8).containsEntry("CAPSTYPE_FONT", 8)
                .containsEntry("CAPSTYPE_COLORCACHE", 8).containsEntry("CAPSTYPE_MULTIFRAGMENTUPDATE", 8)
                .containsEntry("CAPSTYPE_LARGE_POINTER", 6).containsEntry("CAPSTYPE_SURFACE_COMMANDS", 12);
    }
}
