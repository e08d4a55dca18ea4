/** Server-reported error codes: the Set Error Info PDU's ERRINFO table (MS-RDPBCGR 2.2.5.1.1). */
package io.rdpprobe.protocol.errors;
