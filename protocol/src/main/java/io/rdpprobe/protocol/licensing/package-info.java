/** Licensing PDUs (MS-RDPBCGR 2.2.1.12, MS-RDPELE 2.2.2): preamble, blobs, error alerts and license requests. */
package io.rdpprobe.protocol.licensing;
