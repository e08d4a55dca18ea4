package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * AUTHENTICATE_MESSAGE (MS-NLMP 2.2.1.3). VERSION is present when NEGOTIATE_VERSION is set and the payload
 * starts at 72 or later; the MIC when the payload starts at 88 or later (MS-NLMP 3.1.5.1.2).
 *
 * <pre>
 *  0 | "NTLMSSP\0"                     8 | MessageType = 3
 * 12 | LmChallengeResponseFields      20 | NtChallengeResponseFields
 * 28 | DomainNameFields               36 | UserNameFields
 * 44 | WorkstationFields              52 | EncryptedRandomSessionKeyFields
 * 60 | NegotiateFlags                 64 | Version (8)
 * 72 | MIC (16)                       88 | Payload
 * </pre>
 *
 * @param version null when absent
 * @param mic     16 bytes, or null when absent
 */
public record AuthenticateMessage(NegotiateFlags flags, byte[] lmChallengeResponse, byte[] ntChallengeResponse,
                                  String domain, String user, String workstation, byte[] encryptedRandomSessionKey,
                                  NtlmVersion version, byte[] mic) {
    public static final int FIXED = 64;
    /** Offset of the MIC field when present. */
    public static final int MIC_OFFSET = 72;

    public AuthenticateMessage {
        lmChallengeResponse = lmChallengeResponse == null ? new byte[0] : lmChallengeResponse.clone();
        ntChallengeResponse = ntChallengeResponse == null ? new byte[0] : ntChallengeResponse.clone();
        encryptedRandomSessionKey = encryptedRandomSessionKey == null ? new byte[0] : encryptedRandomSessionKey.clone();
        domain = domain == null ? "" : domain;
        user = user == null ? "" : user;
        workstation = workstation == null ? "" : workstation;
        if (mic != null) {
            if (mic.length != 16) {
                throw new IllegalArgumentException("MIC must be 16 bytes");
            }
            if (version == null) {
                throw new IllegalArgumentException("a MIC needs the VERSION field before it");
            }
            mic = mic.clone();
        }
    }

    @Override public byte[] lmChallengeResponse() { return lmChallengeResponse.clone(); }
    @Override public byte[] ntChallengeResponse() { return ntChallengeResponse.clone(); }
    @Override public byte[] encryptedRandomSessionKey() { return encryptedRandomSessionKey.clone(); }
    @Override public byte[] mic() { return mic == null ? null : mic.clone(); }

    /** Decodes the whole readable buffer as one message. */
    public static AuthenticateMessage decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int msgLen = buf.readableBytes();
        NtlmMessages.readHeader(buf, NtlmMessages.AUTHENTICATE, "AUTHENTICATE");
        PayloadField lm = PayloadField.read(buf, "AUTHENTICATE.LmChallengeResponseFields");
        PayloadField nt = PayloadField.read(buf, "AUTHENTICATE.NtChallengeResponseFields");
        PayloadField dom = PayloadField.read(buf, "AUTHENTICATE.DomainNameFields");
        PayloadField usr = PayloadField.read(buf, "AUTHENTICATE.UserNameFields");
        PayloadField ws = PayloadField.read(buf, "AUTHENTICATE.WorkstationFields");
        PayloadField key = PayloadField.read(buf, "AUTHENTICATE.EncryptedRandomSessionKeyFields");
        NegotiateFlags flags = new NegotiateFlags(Wire.i32le(buf, Layer.NTLM, "AUTHENTICATE.NegotiateFlags"));
        long minOff = NegotiateMessage.minOffset(msgLen, lm, nt, dom, usr, ws, key);
        int fixed = FIXED;
        NtlmVersion version = null;
        byte[] mic = null;
        if (flags.has(NegotiateFlags.NEGOTIATE_VERSION) && minOff >= FIXED + NtlmVersion.SIZE) {
            version = NtlmVersion.decode(buf);
            fixed += NtlmVersion.SIZE;
            if (minOff >= MIC_OFFSET + 16) {
                mic = Wire.bytes(buf, 16, Layer.NTLM, "AUTHENTICATE.MIC");
                fixed += 16;
            }
        }
        boolean u = flags.unicode();
        byte[] lmB = lm.bytes(buf, start, msgLen, fixed, 12, "AUTHENTICATE.LmChallengeResponse");
        byte[] ntB = nt.bytes(buf, start, msgLen, fixed, 20, "AUTHENTICATE.NtChallengeResponse");
        String d = PayloadField.text(dom.bytes(buf, start, msgLen, fixed, 28, "AUTHENTICATE.DomainName"), u);
        String us = PayloadField.text(usr.bytes(buf, start, msgLen, fixed, 36, "AUTHENTICATE.UserName"), u);
        String w = PayloadField.text(ws.bytes(buf, start, msgLen, fixed, 44, "AUTHENTICATE.Workstation"), u);
        byte[] k = key.bytes(buf, start, msgLen, fixed, 52, "AUTHENTICATE.EncryptedRandomSessionKey");
        buf.readerIndex(start + msgLen);
        return new AuthenticateMessage(flags, lmB, ntB, d, us, w, k, version, mic);
    }

    /** Payload order: domain, user, workstation, LM, NT, session key (as in MS-NLMP 4.2.4.3). */
    public void encode(ByteBuf buf) {
        boolean u = flags.unicode();
        byte[] d = PayloadField.textBytes(domain, u);
        byte[] us = PayloadField.textBytes(user, u);
        byte[] w = PayloadField.textBytes(workstation, u);
        int off = fixedSize();
        int offD = off;
        int offU = offD + d.length;
        int offW = offU + us.length;
        int offLm = offW + w.length;
        int offNt = offLm + lmChallengeResponse.length;
        int offK = offNt + ntChallengeResponse.length;
        NtlmMessages.writeHeader(buf, NtlmMessages.AUTHENTICATE);
        PayloadField.write(buf, lmChallengeResponse.length, offLm);
        PayloadField.write(buf, ntChallengeResponse.length, offNt);
        PayloadField.write(buf, d.length, offD);
        PayloadField.write(buf, us.length, offU);
        PayloadField.write(buf, w.length, offW);
        PayloadField.write(buf, encryptedRandomSessionKey.length, offK);
        buf.writeIntLE(flags.value());
        if (version != null) {
            version.encode(buf);
        }
        if (mic != null) {
            buf.writeBytes(mic);
        }
        buf.writeBytes(d).writeBytes(us).writeBytes(w).writeBytes(lmChallengeResponse).writeBytes(ntChallengeResponse)
                .writeBytes(encryptedRandomSessionKey);
    }

    private int fixedSize() {
        return FIXED + (version != null ? NtlmVersion.SIZE : 0) + (mic != null ? 16 : 0);
    }

    public int encodedLength() {
        boolean u = flags.unicode();
        return fixedSize() + PayloadField.textBytes(domain, u).length + PayloadField.textBytes(user, u).length
                + PayloadField.textBytes(workstation, u).length + lmChallengeResponse.length + ntChallengeResponse.length
                + encryptedRandomSessionKey.length;
    }

    public byte[] toBytes() {
        ByteBuf b = Unpooled.buffer(encodedLength());
        encode(b);
        return ByteBufUtil.getBytes(b);
    }

    /** The same message with a different MIC (e.g. all zeros while computing it). */
    public AuthenticateMessage withMic(byte[] newMic) {
        return new AuthenticateMessage(flags, lmChallengeResponse, ntChallengeResponse, domain, user, workstation,
                encryptedRandomSessionKey, version, newMic);
    }

    /** The NTLMv2 response inside NtChallengeResponse (longer than 24 bytes means NTLMv2). */
    public Ntlmv2Response ntlmv2Response() {
        return Ntlmv2Response.decode(Unpooled.wrappedBuffer(ntChallengeResponse));
    }

    @Override
    public String toString() {
        return "AuthenticateMessage[flags=" + flags + ", domain=" + domain + ", user=" + user + ", workstation="
                + workstation + ", lm=" + lmChallengeResponse.length + "B, nt=" + ntChallengeResponse.length
                + "B, key=" + encryptedRandomSessionKey.length + "B, version=" + version + ", mic="
                + (mic == null ? "none" : Wire.hex(mic)) + "]";
    }
}
