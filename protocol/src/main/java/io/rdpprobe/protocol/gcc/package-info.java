/**
 * T.124 GCC conference create PDUs (PER) and the RDP user data blocks they carry (MS-RDPBCGR 2.2.1.3 and
 * 2.2.1.4): client core/security/network/cluster/monitor/message-channel/multitransport data, server
 * core/security (with the proprietary or X.509 server certificate)/network/message-channel/multitransport data.
 */
package io.rdpprobe.protocol.gcc;
