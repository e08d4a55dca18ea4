package io.rdpprobe.protocol.rdp;

/** A share PDU of a type not decoded here (or a flow-control PDU), kept raw. */
public record OtherSharePdu(ShareControlHeader header, byte[] body) implements SharePdu {}
