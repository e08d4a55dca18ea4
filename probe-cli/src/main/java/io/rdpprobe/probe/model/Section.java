package io.rdpprobe.probe.model;

/**
 * A report's optional section beyond the stages and the verdict: plain data, one record per kind, each with the
 * stable key it has in the JSON contract ({@link #key()}) and in the other renderers. The renderers (text, JSON,
 * HTML, JUnit, in {@code io.rdpprobe.report}) depend on these records; the records know nothing of them.
 *
 * <p>On Java 17 a {@code switch} over a sealed type is not checked for exhaustiveness, so a renderer dispatches
 * through {@link Visitor}: a new section kind is a new visitor method, and every renderer that does not handle it
 * fails to compile.
 */
public sealed interface Section permits TranscriptSection, EnumerationSection, EncryptionSection, TlsVersionsSection,
        ClientsSection, GatewaySection, RdpFileSection, CaptureSection, RdpUdpSection {

    /** The section's key in the report's JSON object ("transcript", "enumeration", ...). */
    String key();

    <R> R accept(Visitor<R> v);

    /** One method per section kind. */
    interface Visitor<R> {
        R transcript(TranscriptSection s);

        R enumeration(EnumerationSection s);

        R encryption(EncryptionSection s);

        R tlsVersions(TlsVersionsSection s);

        R clients(ClientsSection s);

        R gateway(GatewaySection s);

        R rdpFile(RdpFileSection s);

        R capture(CaptureSection s);

        R rdpUdp(RdpUdpSection s);
    }
}
