/**
 * The sans-IO client for the connection phases after security negotiation (MS-RDPBCGR 1.3.1.1 steps 3-13):
 * {@link io.rdpprobe.probe.session.SessionSequence} turns complete inbound TPKT frames into outbound frames and
 * MCS / SECURITY_EXCHANGE / LICENSING / ACTIVATION stage results; {@link io.rdpprobe.probe.session.EncryptionEnumeration}
 * builds the {@code --enumerate} table of Standard RDP Security methods. No Netty channel types, no clocks.
 */
package io.rdpprobe.probe.session;
