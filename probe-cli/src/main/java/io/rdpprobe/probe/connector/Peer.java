package io.rdpprobe.probe.connector;

/**
 * Whom the target's stages talk to.
 *
 * @param host       the probed name that SNI, the certificate name check and the SPN use; null before DNS
 * @param viaGateway true when DNS and TCP reach an RD Gateway and {@code host} is the target behind it
 */
record Peer(String host, boolean viaGateway) {
    static final Peer UNKNOWN = new Peer(null, false);
}
