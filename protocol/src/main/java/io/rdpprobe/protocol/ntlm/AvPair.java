package io.rdpprobe.protocol.ntlm;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One AV_PAIR (MS-NLMP 2.2.2.1): {@code | AvId u16 LE | AvLen u16 LE | Value (AvLen bytes) |}. The id is
 * open (unknown ids survive and print as {@code UNKNOWN(0x..)}); the value is kept raw, with typed views.
 */
public record AvPair(int id, byte[] value) {
    public static final int MSV_AV_EOL = 0x0000;
    public static final int MSV_AV_NB_COMPUTER_NAME = 0x0001;
    public static final int MSV_AV_NB_DOMAIN_NAME = 0x0002;
    public static final int MSV_AV_DNS_COMPUTER_NAME = 0x0003;
    public static final int MSV_AV_DNS_DOMAIN_NAME = 0x0004;
    public static final int MSV_AV_DNS_TREE_NAME = 0x0005;
    public static final int MSV_AV_FLAGS = 0x0006;
    public static final int MSV_AV_TIMESTAMP = 0x0007;
    public static final int MSV_AV_SINGLE_HOST = 0x0008;
    public static final int MSV_AV_TARGET_NAME = 0x0009;
    public static final int MSV_AV_CHANNEL_BINDINGS = 0x000A;

    /** MsvAvFlags bit: the client sends a MIC in AUTHENTICATE. */
    public static final int FLAG_MIC_PRESENT = 0x00000002;

    /** FILETIME ticks (100 ns) between 1601-01-01 and 1970-01-01. */
    public static final long FILETIME_EPOCH_OFFSET = 116_444_736_000_000_000L;

    public AvPair {
        if (id < 0 || id > 0xFFFF || value == null || value.length > 0xFFFF) {
            throw new IllegalArgumentException("bad AV_PAIR");
        }
        value = value.clone();
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    public int length() {
        return value.length;
    }

    public static AvPair ofString(int id, String s) {
        return new AvPair(id, s.getBytes(StandardCharsets.UTF_16LE));
    }

    public static AvPair ofU32(int id, int v) {
        return new AvPair(id, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
    }

    public static AvPair ofU64(int id, long v) {
        return new AvPair(id, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
    }

    /** MsvAvTimestamp from Unix milliseconds. */
    public static AvPair timestampMillis(long unixMillis) {
        return ofU64(MSV_AV_TIMESTAMP, unixMillis * 10_000L + FILETIME_EPOCH_OFFSET);
    }

    /** The spec name of an AvId, or {@code UNKNOWN(0x..)}. */
    public static String idName(int id) {
        return switch (id) {
            case MSV_AV_EOL -> "MsvAvEOL";
            case MSV_AV_NB_COMPUTER_NAME -> "MsvAvNbComputerName";
            case MSV_AV_NB_DOMAIN_NAME -> "MsvAvNbDomainName";
            case MSV_AV_DNS_COMPUTER_NAME -> "MsvAvDnsComputerName";
            case MSV_AV_DNS_DOMAIN_NAME -> "MsvAvDnsDomainName";
            case MSV_AV_DNS_TREE_NAME -> "MsvAvDnsTreeName";
            case MSV_AV_FLAGS -> "MsvAvFlags";
            case MSV_AV_TIMESTAMP -> "MsvAvTimestamp";
            case MSV_AV_SINGLE_HOST -> "MsvAvSingleHost";
            case MSV_AV_TARGET_NAME -> "MsvAvTargetName";
            case MSV_AV_CHANNEL_BINDINGS -> "MsvAvChannelBindings";
            default -> String.format("UNKNOWN(0x%04x)", id);
        };
    }

    public String name() {
        return idName(id);
    }

    /** Whether the value is a UTF-16LE name (ids 1-5 and 9). */
    public boolean isName() {
        return (id >= MSV_AV_NB_COMPUTER_NAME && id <= MSV_AV_DNS_TREE_NAME) || id == MSV_AV_TARGET_NAME;
    }

    /** The value as UTF-16LE text (an odd trailing byte is dropped). */
    public String asString() {
        return new String(value, 0, value.length & ~1, StandardCharsets.UTF_16LE);
    }

    /** The value as u32 LE, or -1 when it is shorter than 4 bytes. */
    public long asU32() {
        if (value.length < 4) {
            return -1;
        }
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
    }

    /** The value as u64 LE (FILETIME ticks), or null when it is shorter than 8 bytes. */
    public Long asU64() {
        if (value.length < 8) {
            return null;
        }
        return ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AvPair p && p.id == id && Arrays.equals(p.value, value);
    }

    @Override
    public int hashCode() {
        return id * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        if (isName()) {
            return name() + "=" + asString();
        }
        if (id == MSV_AV_FLAGS && value.length == 4) {
            return name() + String.format("=0x%08x", asU32());
        }
        return name() + "=" + io.rdpprobe.protocol.codec.Wire.hex(value);
    }
}
