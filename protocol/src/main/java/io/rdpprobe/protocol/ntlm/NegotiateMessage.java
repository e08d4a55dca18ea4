package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * NEGOTIATE_MESSAGE (MS-NLMP 2.2.1.1). Domain and workstation are OEM strings, present only when the
 * matching *_SUPPLIED flag is set; the VERSION only when NEGOTIATE_VERSION is set.
 *
 * <pre>
 *  0 | "NTLMSSP\0"           8 | MessageType = 1
 * 12 | NegotiateFlags       16 | DomainNameFields (8)
 * 24 | WorkstationFields (8) 32 | Version (8, optional)
 * 40 | Payload
 * </pre>
 *
 * @param version null when absent
 */
public record NegotiateMessage(NegotiateFlags flags, String domain, String workstation, NtlmVersion version) {
    public static final int FIXED = 32;

    public NegotiateMessage {
        domain = domain == null ? "" : domain;
        workstation = workstation == null ? "" : workstation;
    }

    /** Decodes the whole readable buffer as one message. */
    public static NegotiateMessage decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int msgLen = buf.readableBytes();
        NtlmMessages.readHeader(buf, NtlmMessages.NEGOTIATE, "NEGOTIATE");
        NegotiateFlags flags = new NegotiateFlags(Wire.i32le(buf, Layer.NTLM, "NEGOTIATE.NegotiateFlags"));
        PayloadField dom = PayloadField.read(buf, "NEGOTIATE.DomainNameFields");
        PayloadField ws = PayloadField.read(buf, "NEGOTIATE.WorkstationFields");
        int fixed = FIXED;
        NtlmVersion version = null;
        long minOff = minOffset(msgLen, dom, ws);
        if (flags.has(NegotiateFlags.NEGOTIATE_VERSION) && minOff >= FIXED + NtlmVersion.SIZE) {
            version = NtlmVersion.decode(buf);
            fixed += NtlmVersion.SIZE;
        }
        String d = "";
        String w = "";
        if (flags.has(NegotiateFlags.NEGOTIATE_OEM_DOMAIN_SUPPLIED)) {
            d = PayloadField.text(dom.bytes(buf, start, msgLen, fixed, 16, "NEGOTIATE.DomainName"), false);
        }
        if (flags.has(NegotiateFlags.NEGOTIATE_OEM_WORKSTATION_SUPPLIED)) {
            w = PayloadField.text(ws.bytes(buf, start, msgLen, fixed, 24, "NEGOTIATE.Workstation"), false);
        }
        buf.readerIndex(start + msgLen);
        return new NegotiateMessage(flags, d, w, version);
    }

    static long minOffset(int msgLen, PayloadField... fields) {
        long min = msgLen;
        for (PayloadField f : fields) {
            if (f.inUse()) {
                min = Math.min(min, f.offset());
            }
        }
        return min;
    }

    public void encode(ByteBuf buf) {
        byte[] d = PayloadField.textBytes(domain, false);
        byte[] w = PayloadField.textBytes(workstation, false);
        int off = FIXED + (version != null ? NtlmVersion.SIZE : 0);
        NtlmMessages.writeHeader(buf, NtlmMessages.NEGOTIATE);
        buf.writeIntLE(flags.value());
        PayloadField.write(buf, d.length, d.length == 0 ? 0 : off);
        PayloadField.write(buf, w.length, w.length == 0 ? 0 : off + d.length);
        if (version != null) {
            version.encode(buf);
        }
        buf.writeBytes(d).writeBytes(w);
    }

    public int encodedLength() {
        return FIXED + (version != null ? NtlmVersion.SIZE : 0) + PayloadField.textBytes(domain, false).length
                + PayloadField.textBytes(workstation, false).length;
    }

    public byte[] toBytes() {
        ByteBuf b = Unpooled.buffer(encodedLength());
        encode(b);
        return ByteBufUtil.getBytes(b);
    }
}
