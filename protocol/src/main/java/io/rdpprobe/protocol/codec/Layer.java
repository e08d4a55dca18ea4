package io.rdpprobe.protocol.codec;

/**
 * The wire layer a codec belongs to. Every {@link DecodeException} names one, so a report can say
 * "X224: field LI at offset 4" rather than "index out of bounds".
 */
public enum Layer {
    TPKT,
    X224,
    FASTPATH,
    MCS,
    GCC,
    SECURITY,
    LICENSING,
    SHARE,
    CREDSSP,
    SPNEGO,
    NTLM,
    TLS,
    RDG,
    HTTP,
    RDPUDP,
    PCAP,
    LINK,
    IP,
    TCP,
    KERBEROS
}
