/**
 * X.224 class 0 TPDUs as RDP uses them (MS-RDPBCGR 2.2.1.1 and 2.2.1.2): Connection Request with its
 * cookie or routing token, RDP_NEG_REQ and RDP_NEG_CORRELATION_INFO; Connection Confirm with RDP_NEG_RSP
 * or RDP_NEG_FAILURE; Data, Disconnect Request and Error TPDUs.
 */
package io.rdpprobe.protocol.x224;
