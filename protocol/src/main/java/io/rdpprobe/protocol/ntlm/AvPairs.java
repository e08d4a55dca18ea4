package io.rdpprobe.protocol.ntlm;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An AV_PAIR list (MS-NLMP 2.2.2.1), the CHALLENGE TargetInfo and the pairs inside an NTLMv2 response.
 * The list held here excludes the terminating MsvAvEOL, which {@link #encode} always appends.
 *
 * <pre>
 * | AvId | AvLen | Value | ... | 00 00 | 00 00 |   (MsvAvEOL)
 * </pre>
 */
public record AvPairs(List<AvPair> pairs) {
    public AvPairs {
        pairs = List.copyOf(pairs);
        for (AvPair p : pairs) {
            if (p.id() == AvPair.MSV_AV_EOL) {
                throw new IllegalArgumentException("MsvAvEOL is implicit");
            }
        }
    }

    public static final AvPairs EMPTY = new AvPairs(List.of());

    /**
     * Decodes pairs until MsvAvEOL; bytes after the EOL are left unread. A list that ends without an EOL at
     * the end of the buffer is accepted (some implementations omit it).
     */
    public static AvPairs decode(ByteBuf buf) {
        List<AvPair> out = new ArrayList<>();
        while (buf.isReadable()) {
            int at = buf.readerIndex();
            int id = Wire.u16le(buf, Layer.NTLM, "AV_PAIR.AvId");
            int len = Wire.u16le(buf, Layer.NTLM, "AV_PAIR.AvLen");
            if (id == AvPair.MSV_AV_EOL) {
                if (len != 0) {
                    throw DecodeException.badLength(Layer.NTLM, "AV_PAIR(MsvAvEOL).AvLen", at + 2, "must be 0, is " + len);
                }
                return new AvPairs(out);
            }
            if (len > buf.readableBytes()) {
                throw DecodeException.badLength(Layer.NTLM, "AV_PAIR(" + AvPair.idName(id) + ").AvLen", at + 2,
                        "length " + len + " exceeds the " + buf.readableBytes() + " remaining byte(s)");
            }
            out.add(new AvPair(id, Wire.bytes(buf, len, Layer.NTLM, "AV_PAIR.Value")));
        }
        return new AvPairs(out);
    }

    public static AvPairs decode(byte[] bytes) {
        return decode(Unpooled.wrappedBuffer(bytes));
    }

    public void encode(ByteBuf buf) {
        for (AvPair p : pairs) {
            buf.writeShortLE(p.id()).writeShortLE(p.length()).writeBytes(p.value());
        }
        buf.writeIntLE(0);
    }

    public int encodedLength() {
        int n = 4;
        for (AvPair p : pairs) {
            n += 4 + p.length();
        }
        return n;
    }

    public byte[] toBytes() {
        ByteBuf b = Unpooled.buffer(encodedLength());
        encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    public Optional<AvPair> get(int id) {
        for (AvPair p : pairs) {
            if (p.id() == id) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** A name pair (UTF-16LE) as text. */
    public Optional<String> string(int id) {
        return get(id).map(AvPair::asString);
    }

    public Optional<String> nbComputerName() { return string(AvPair.MSV_AV_NB_COMPUTER_NAME); }
    public Optional<String> nbDomainName() { return string(AvPair.MSV_AV_NB_DOMAIN_NAME); }
    public Optional<String> dnsComputerName() { return string(AvPair.MSV_AV_DNS_COMPUTER_NAME); }
    public Optional<String> dnsDomainName() { return string(AvPair.MSV_AV_DNS_DOMAIN_NAME); }
    public Optional<String> dnsTreeName() { return string(AvPair.MSV_AV_DNS_TREE_NAME); }
    public Optional<String> targetName() { return string(AvPair.MSV_AV_TARGET_NAME); }

    /** MsvAvFlags, if present with 4 bytes. */
    public Optional<Integer> flags() {
        return get(AvPair.MSV_AV_FLAGS).filter(p -> p.length() >= 4).map(p -> (int) p.asU32());
    }

    /** MsvAvTimestamp as FILETIME ticks, if present with 8 bytes. */
    public Optional<Long> timestampTicks() {
        return get(AvPair.MSV_AV_TIMESTAMP).map(AvPair::asU64);
    }

    /** MsvAvTimestamp as Unix milliseconds (protocol-notes 5.7). */
    public Optional<Long> timestampMillis() {
        return timestampTicks().map(t -> Math.floorDiv(t - AvPair.FILETIME_EPOCH_OFFSET, 10_000L));
    }

    /** A copy with {@code pair} replacing any pair of the same id (or appended). */
    public AvPairs with(AvPair pair) {
        List<AvPair> out = new ArrayList<>(pairs.size() + 1);
        boolean replaced = false;
        for (AvPair p : pairs) {
            if (p.id() == pair.id()) {
                if (!replaced) {
                    out.add(pair);
                    replaced = true;
                }
            } else {
                out.add(p);
            }
        }
        if (!replaced) {
            out.add(pair);
        }
        return new AvPairs(out);
    }

    @Override
    public String toString() {
        return pairs.toString();
    }
}
