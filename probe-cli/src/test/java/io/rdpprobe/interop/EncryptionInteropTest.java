package io.rdpprobe.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.rdpprobe.probe.connector.ProbeSettings;
import io.rdpprobe.probe.enumerate.EncryptionTable;
import io.rdpprobe.probe.netty.ProbeRunner;
import io.rdpprobe.probe.netty.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** --enumerate's Standard RDP Security table against xrdp in rdp mode (crypt_level=high in its ini). */
@Tag("interop")
class EncryptionInteropTest {
    @Test
    void xrdpRdpModeAcceptsOnly128BitAtLevelHigh() {
        Lab.requireXrdp("rdp", "negotiate");
        try (ProbeRunner runner = new ProbeRunner()) {
            EncryptionTable t = EncryptionTable.enumerate(runner, new Target("127.0.0.1", Lab.XRDP_PORT),
                    ProbeSettings.defaults().withTimeout(5000));
            System.out.println("[interop] xrdp " + Lab.XRDP_MODE + "\n" + t.toText());
            assertThat(t.result().acceptedMethods()).containsExactly("128bit");
            assertThat(t.result().encryptionLevel()).isEqualTo("High");
            assertThat(t.result().rdpVersion()).isEqualTo("RDP 5.0-8.1");
            assertThat(t.result().rows()).hasSize(4);
        }
    }
}
