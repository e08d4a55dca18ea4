package io.rdpprobe.protocol.x224;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import io.rdpprobe.protocol.tpkt.TpktHeader;
import java.nio.charset.StandardCharsets;

/**
 * X.224 Connection Request PDU (MS-RDPBCGR 2.2.1.1), the first thing a client sends.
 *
 * <pre>
 * TPKT(4) | LI | 0xE0 | DST-REF(2)=0 | SRC-REF(2) | class(1)=0 | [cookie | routingToken] [RDP_NEG_REQ] [CORRELATION_INFO]
 * </pre>
 *
 * @param token       cookie or routing token, or null
 * @param negotiation RDP_NEG_REQ, or null for a legacy (pre-negotiation) client
 * @param correlation RDP_NEG_CORRELATION_INFO, or null
 */
public record ConnectionRequest(int dstRef, int srcRef, int classOption, CrToken token,
                                NegotiationRequest negotiation, CorrelationInfo correlation) implements X224Tpdu {
    /** LI of a CR without variable part. */
    public static final int FIXED_LI = 6;
    private static final byte[] MSTSHASH = CrToken.COOKIE_PREFIX.getBytes(StandardCharsets.ISO_8859_1);
    /** The routing tokens' prefixes, as bytes once rather than per decode. */
    private static final byte[][] ROUTING_PREFIXES = {"Cookie: msts=".getBytes(StandardCharsets.ISO_8859_1),
        "tsv:".getBytes(StandardCharsets.ISO_8859_1), "mth://".getBytes(StandardCharsets.ISO_8859_1)};

    /** A CR as mstsc sends it: refs 0, class 0, optional cookie, a NEG_REQ with the requested protocols. */
    public static ConnectionRequest of(CrToken token, int requestedProtocols) {
        return new ConnectionRequest(0, 0, 0, token, new NegotiationRequest(0, requestedProtocols), null);
    }

    /** A legacy CR without RDP_NEG_REQ. */
    public static ConnectionRequest legacy(CrToken token) {
        return new ConnectionRequest(0, 0, 0, token, null, null);
    }

    public static ConnectionRequest decode(ByteBuf buf) {
        int start = buf.readerIndex();
        int li = X224Header.readFixed(buf, CODE_CR, "CR", FIXED_LI);
        int frameLength = buf.getUnsignedShort(start + 2);
        buf.skipBytes(1); // code
        int dst = Wire.u16be(buf, Layer.X224, "CR.DST-REF");
        int src = Wire.u16be(buf, Layer.X224, "CR.SRC-REF");
        int cls = Wire.u8(buf, Layer.X224, "CR.class");
        int varEnd = start + TpktHeader.SIZE + 1 + li; // within the frame: readFixed checked LI against it
        // The variable part is read in place, bounded by lowering the writer index to its end (restored below):
        // no slice, and error offsets are the frame's, as in the CC.
        int limit = buf.writerIndex();
        buf.writerIndex(varEnd);
        CrToken token;
        NegotiationRequest neg = null;
        CorrelationInfo corr = null;
        try {
            token = readToken(buf);
            if (buf.readableBytes() >= NegotiationRequest.SIZE) {
                neg = NegotiationRequest.decode(buf);
                if ((neg.flags() & NegotiationRequest.CORRELATION_INFO_PRESENT) != 0) {
                    corr = CorrelationInfo.decode(buf);
                }
            }
            if (buf.isReadable()) {
                throw DecodeException.badLength(Layer.X224, "CR.variablePart", buf.readerIndex(),
                        buf.readableBytes() + " unexpected trailing byte(s)");
            }
        } finally {
            buf.writerIndex(limit);
        }
        X224Header.requireConsumedExactly(buf, start, frameLength, "CR");
        return new ConnectionRequest(dst, src, cls, token, neg, corr);
    }

    /** The cookie or routing token at the reader index, up to and past its CR LF; null when there is none. */
    private static CrToken readToken(ByteBuf buf) {
        if (startsWith(buf, MSTSHASH)) {
            int crlf = findCrLf(buf, "CR.cookie");
            String id = buf.toString(buf.readerIndex() + MSTSHASH.length, crlf - buf.readerIndex() - MSTSHASH.length,
                    StandardCharsets.ISO_8859_1);
            if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0) {
                throw DecodeException.invalid(Layer.X224, "CR.cookie", buf.readerIndex(),
                        "the cookie's identifier holds a bare CR or LF before its CR LF");
            }
            buf.readerIndex(crlf + 2);
            return new CrToken.Cookie(id);
        }
        for (byte[] p : ROUTING_PREFIXES) {
            if (startsWith(buf, p)) {
                int crlf = findCrLf(buf, "CR.routingToken");
                String tok = buf.toString(buf.readerIndex(), crlf - buf.readerIndex(), StandardCharsets.ISO_8859_1);
                buf.readerIndex(crlf + 2);
                return new CrToken.RoutingToken(tok);
            }
        }
        return null;
    }

    private static boolean startsWith(ByteBuf b, byte[] prefix) {
        if (b.readableBytes() < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b.getByte(b.readerIndex() + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The index of the first CR LF between the reader and writer indexes (ByteBuf.indexOf finds each CR). */
    private static int findCrLf(ByteBuf b, String field) {
        int end = b.writerIndex();
        for (int i = b.indexOf(b.readerIndex(), end, (byte) '\r'); i >= 0 && i + 1 < end; i = b.indexOf(i + 1, end, (byte) '\r')) {
            if (b.getByte(i + 1) == '\n') {
                return i;
            }
        }
        throw DecodeException.invalid(Layer.X224, field, b.readerIndex(), "no terminating CR LF");
    }

    private int variableLength() {
        int n = 0;
        if (token != null) n += token.wireBytes().length;
        if (negotiation != null) n += NegotiationRequest.SIZE;
        if (correlation != null) n += CorrelationInfo.SIZE;
        return n;
    }

    @Override
    public int encodedLength() {
        return TpktHeader.SIZE + 1 + FIXED_LI + variableLength();
    }

    @Override
    public void encode(ByteBuf buf) {
        int li = FIXED_LI + variableLength();
        new TpktHeader(TpktHeader.SIZE + 1 + li).encode(buf);
        buf.writeByte(li).writeByte(CODE_CR).writeShort(dstRef).writeShort(srcRef).writeByte(classOption);
        if (token != null) buf.writeBytes(token.wireBytes());
        if (negotiation != null) {
            NegotiationRequest n = negotiation;
            if (correlation != null && (n.flags() & NegotiationRequest.CORRELATION_INFO_PRESENT) == 0) {
                n = new NegotiationRequest(n.flags() | NegotiationRequest.CORRELATION_INFO_PRESENT, n.requestedProtocols());
            }
            n.encode(buf);
        }
        if (correlation != null) correlation.encode(buf);
    }

    /** requestedProtocols, or {@link Protocols#RDP} for a legacy request. */
    public int requestedProtocols() {
        return negotiation == null ? Protocols.RDP : negotiation.requestedProtocols();
    }
}
