/**
 * T.125 MCS (MS-RDPBCGR 2.2.1.3 - 2.2.1.9, 2.2.2.3): BER connect PDUs ({@link io.rdpprobe.protocol.mcs.ConnectInitial},
 * {@link io.rdpprobe.protocol.mcs.ConnectResponse}), ALIGNED PER domain PDUs ({@link io.rdpprobe.protocol.mcs.DomainPdu}),
 * and the {@link io.rdpprobe.protocol.mcs.Ber} / {@link io.rdpprobe.protocol.mcs.Per} helpers shared with GCC.
 */
package io.rdpprobe.protocol.mcs;
