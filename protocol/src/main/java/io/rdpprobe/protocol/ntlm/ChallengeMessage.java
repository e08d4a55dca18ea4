package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * CHALLENGE_MESSAGE (MS-NLMP 2.2.1.2). Every payload offset and length is checked against the message.
 * Very old servers send only the first 32 bytes; TargetInfo needs 48, VERSION 56 (and the flag).
 *
 * <pre>
 *  0 | "NTLMSSP\0"                 8 | MessageType = 2
 * 12 | TargetNameFields (8)       20 | NegotiateFlags
 * 24 | ServerChallenge (8)        32 | Reserved (8)
 * 40 | TargetInfoFields (8)       48 | Version (8, iff NEGOTIATE_VERSION)
 * 56 | Payload: TargetName, TargetInfo (AV_PAIR list)
 * </pre>
 *
 * @param targetName      Unicode or OEM per NEGOTIATE_UNICODE
 * @param serverChallenge 8 bytes
 * @param targetInfo      null when the message has no TargetInfoFields or they are empty
 * @param version         null when absent
 */
public record ChallengeMessage(NegotiateFlags flags, String targetName, byte[] serverChallenge, AvPairs targetInfo,
                               NtlmVersion version) {
    public static final int MIN = 32;

    public ChallengeMessage {
        targetName = targetName == null ? "" : targetName;
        if (serverChallenge == null || serverChallenge.length != 8) {
            throw new IllegalArgumentException("server challenge must be 8 bytes");
        }
        serverChallenge = serverChallenge.clone();
    }

    @Override
    public byte[] serverChallenge() {
        return serverChallenge.clone();
    }

    /** Decodes the whole readable buffer as one message. */
    public static ChallengeMessage decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int msgLen = buf.readableBytes();
        NtlmMessages.readHeader(buf, NtlmMessages.CHALLENGE, "CHALLENGE");
        PayloadField tn = PayloadField.read(buf, "CHALLENGE.TargetNameFields");
        NegotiateFlags flags = new NegotiateFlags(Wire.i32le(buf, Layer.NTLM, "CHALLENGE.NegotiateFlags"));
        byte[] sc = Wire.bytes(buf, 8, Layer.NTLM, "CHALLENGE.ServerChallenge");
        PayloadField ti = null;
        int fixed = MIN;
        // TargetInfoFields exist unless the message is the old 32-byte form (its payload may start at 32)
        boolean oldForm = msgLen < 48 || tn.inUse() && tn.offset() < 48;
        if (!oldForm || tn.inUse() && tn.offset() >= 48) {
            Wire.skip(buf, 8, Layer.NTLM, "CHALLENGE.Reserved");
            ti = PayloadField.read(buf, "CHALLENGE.TargetInfoFields");
            fixed = 48;
        }
        NtlmVersion version = null;
        long minOff = ti == null ? NegotiateMessage.minOffset(msgLen, tn) : NegotiateMessage.minOffset(msgLen, tn, ti);
        if (ti != null && flags.has(NegotiateFlags.NEGOTIATE_VERSION) && minOff >= 56) {
            version = NtlmVersion.decode(buf);
            fixed = 56;
        }
        String target = PayloadField.text(tn.bytes(buf, start, msgLen, fixed, 12, "CHALLENGE.TargetName"), flags.unicode());
        AvPairs info = null;
        if (ti != null && ti.inUse()) {
            byte[] raw = ti.bytes(buf, start, msgLen, fixed, 40, "CHALLENGE.TargetInfo");
            try {
                info = AvPairs.decode(Unpooled.wrappedBuffer(raw));
            } catch (DecodeException e) {
                throw new DecodeException(Layer.NTLM, e.kind(), "CHALLENGE.TargetInfo/" + e.field(),
                        (int) ti.offset() + e.offset(), e.detail(), e.context());
            }
        }
        buf.readerIndex(start + msgLen);
        return new ChallengeMessage(flags, target, sc, info, version);
    }

    public void encode(ByteBuf buf) {
        byte[] tn = PayloadField.textBytes(targetName, flags.unicode());
        byte[] ti = targetInfo == null ? new byte[0] : targetInfo.toBytes();
        int off = 48 + (version != null ? NtlmVersion.SIZE : 0);
        NtlmMessages.writeHeader(buf, NtlmMessages.CHALLENGE);
        PayloadField.write(buf, tn.length, off);
        buf.writeIntLE(flags.value()).writeBytes(serverChallenge).writeZero(8);
        PayloadField.write(buf, ti.length, off + tn.length);
        if (version != null) {
            version.encode(buf);
        }
        buf.writeBytes(tn).writeBytes(ti);
    }

    public int encodedLength() {
        return 48 + (version != null ? NtlmVersion.SIZE : 0) + PayloadField.textBytes(targetName, flags.unicode()).length
                + (targetInfo == null ? 0 : targetInfo.encodedLength());
    }

    public byte[] toBytes() {
        ByteBuf b = Unpooled.buffer(encodedLength());
        encode(b);
        return ByteBufUtil.getBytes(b);
    }

    /** The TargetInfo or an empty list. */
    public AvPairs targetInfoOrEmpty() {
        return targetInfo == null ? AvPairs.EMPTY : targetInfo;
    }
}
