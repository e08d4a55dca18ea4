/**
 * RDP PDUs after the MCS connection (MS-RDPBCGR 2.2.1.10 - 2.2.1.18, 2.2.3, 2.2.5, 2.2.8, 2.2.10): security
 * headers, the Security Exchange and Client Info PDUs, share control/data headers, Demand/Confirm Active with
 * capability sets, Set Error Info, Save Session Info and server redirection detection.
 */
package io.rdpprobe.protocol.rdp;
