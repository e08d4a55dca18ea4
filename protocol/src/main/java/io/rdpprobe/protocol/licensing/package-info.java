/**
 * Licensing PDUs (MS-RDPBCGR 2.2.1.12, MS-RDPELE 2.2.2): preamble, blobs, error alerts, license requests and the
 * client's new license request.
 */
package io.rdpprobe.protocol.licensing;
