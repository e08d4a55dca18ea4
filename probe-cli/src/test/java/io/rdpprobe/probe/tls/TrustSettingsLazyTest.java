package io.rdpprobe.probe.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The JDK's anchors are read when first looked at (issue 13: not for a probe that never reaches TLS). */
class TrustSettingsLazyTest {

    @Test
    void jdkAnchorsPlusExtraIsTheJdkStoreThenTheExtraCertificates() {
        List<X509Certificate> jdk = TrustSettings.jdkAnchors();
        assertThat(jdk).isNotEmpty(); // the JDK's cacerts, about 140
        X509Certificate extra = jdk.get(0);
        List<X509Certificate> plus = TrustSettings.jdkAnchorsPlus(List.of(extra));
        assertThat(plus).hasSize(jdk.size() + 1);
        assertThat(plus.get(jdk.size())).isSameAs(extra);
        assertThat(plus.subList(0, jdk.size())).isEqualTo(jdk);
        assertThat(TrustSettings.jdkAnchorsPlus(List.of())).isSameAs(jdk);
        assertThatThrownBy(() -> plus.add(extra)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theRecordKeepsTheLazyListAndCopiesAnyOther() {
        TrustSettings lazy = new TrustSettings(TrustSettings.jdkAnchors(), Set.of(), false);
        assertThat(lazy.anchors()).isSameAs(TrustSettings.jdkAnchors());
        java.util.ArrayList<X509Certificate> mutable = new java.util.ArrayList<>();
        TrustSettings copied = new TrustSettings(mutable, Set.of(), false);
        mutable.add(TrustSettings.jdkAnchors().get(0));
        assertThat(copied.anchors()).isEmpty();
        assertThat(TrustSettings.defaults().anchors()).isEqualTo(TrustSettings.jdkAnchors());
    }
}
