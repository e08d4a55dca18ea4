package io.rdpprobe.protocol.tpkt;

/** What the first bytes of a server (or client) stream look like (MS-RDPBCGR 2.2.9.1.2, 5.3.8). */
public enum FrameKind {
    /** 0x03: a TPKT header, the slow path. */
    TPKT,
    /** Low two bits of the first byte are 0: a fast-path PDU (action FASTPATH_*_ACTION_FASTPATH). */
    FAST_PATH,
    /** 0x14..0x18 followed by 0x03 0x0n: a TLS record. */
    TLS_RECORD,
    /** 0x30: a DER SEQUENCE, as a CredSSP TSRequest. Only meaningful inside TLS. */
    DER_SEQUENCE,
    /** Nothing RDP-shaped. */
    UNKNOWN,
    /** Not enough bytes to tell. */
    NEED_MORE
}
