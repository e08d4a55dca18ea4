package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * NTLMv2_RESPONSE (MS-NLMP 2.2.2.8) with its NTLMv2_CLIENT_CHALLENGE (2.2.2.7).
 *
 * <pre>
 * | NTProofStr (16) | RespType=1 | HiRespType=1 | Reserved1 (2) | Reserved2 (4) | TimeStamp (8)
 * | ChallengeFromClient (8) | Reserved3 (4) | AvPairs ... | (Z4 padding) |
 * </pre>
 *
 * @param temp the NTLMv2_CLIENT_CHALLENGE bytes exactly as sent ("temp" of 3.3.2)
 */
public record Ntlmv2Response(byte[] ntProofStr, int respType, int hiRespType, long timestamp, byte[] clientChallenge,
                             AvPairs avPairs, byte[] temp) {
    public static Ntlmv2Response decode(ByteBuf buf) {
        int start = buf.readerIndex();
        byte[] proof = Wire.bytes(buf, 16, Layer.NTLM, "NTLMv2_RESPONSE.Response");
        byte[] temp = ByteBufUtil.getBytes(buf);
        int rt = Wire.u8(buf, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.RespType");
        int hrt = Wire.u8(buf, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.HiRespType");
        if (rt != 1 || hrt != 1) {
            throw DecodeException.invalid(Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.RespType", start + 16,
                    "RespType/HiRespType must be 1/1, got " + rt + "/" + hrt + " (not an NTLMv2 response)");
        }
        Wire.skip(buf, 6, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.Reserved");
        long ts = Wire.u64le(buf, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.TimeStamp");
        byte[] cc = Wire.bytes(buf, 8, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.ChallengeFromClient");
        Wire.skip(buf, 4, Layer.NTLM, "NTLMv2_CLIENT_CHALLENGE.Reserved3");
        AvPairs pairs = AvPairs.decode(buf);
        buf.readerIndex(buf.writerIndex());
        return new Ntlmv2Response(proof, rt, hrt, ts, cc, pairs, temp);
    }

    public static Ntlmv2Response decode(byte[] b) {
        return decode(Unpooled.wrappedBuffer(b));
    }
}
