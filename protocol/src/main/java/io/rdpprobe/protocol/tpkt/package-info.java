/** TPKT framing (T.123 section 8) and first-byte demultiplexing of RDP streams (MS-RDPBCGR 2.2.9.1.2). */
package io.rdpprobe.protocol.tpkt;
