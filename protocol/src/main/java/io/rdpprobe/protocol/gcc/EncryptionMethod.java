package io.rdpprobe.protocol.gcc;

import java.util.ArrayList;
import java.util.List;

/**
 * Standard RDP Security encryption method(s) (MS-RDPBCGR 2.2.1.3.3, 2.2.1.4.3). The client sends a mask,
 * the server selects one value. Open: unknown bits are kept.
 */
public record EncryptionMethod(int value) {
    public static final EncryptionMethod NONE = new EncryptionMethod(0x00);
    public static final EncryptionMethod BIT_40 = new EncryptionMethod(0x01);
    public static final EncryptionMethod BIT_128 = new EncryptionMethod(0x02);
    public static final EncryptionMethod BIT_56 = new EncryptionMethod(0x08);
    public static final EncryptionMethod FIPS = new EncryptionMethod(0x10);
    /** All four, as mstsc offers. */
    public static final EncryptionMethod ALL = new EncryptionMethod(0x1B);

    /** The value as a record: the shared constant for the six above (every client and server sends one of them). */
    public static EncryptionMethod of(int value) {
        return switch (value) {
            case 0x00 -> NONE;
            case 0x01 -> BIT_40;
            case 0x02 -> BIT_128;
            case 0x08 -> BIT_56;
            case 0x10 -> FIPS;
            case 0x1B -> ALL;
            default -> new EncryptionMethod(value);
        };
    }

    /** Name of a single method: ENCRYPTION_METHOD_128BIT etc. */
    public String name() {
        return switch (value) {
            case 0x00 -> "ENCRYPTION_METHOD_NONE";
            case 0x01 -> "ENCRYPTION_METHOD_40BIT";
            case 0x02 -> "ENCRYPTION_METHOD_128BIT";
            case 0x08 -> "ENCRYPTION_METHOD_56BIT";
            case 0x10 -> "ENCRYPTION_METHOD_FIPS";
            default -> String.join("|", names());
        };
    }

    /** Short label: "128bit", "FIPS", "None". */
    public String label() {
        return switch (value) {
            case 0x00 -> "None";
            case 0x01 -> "40bit";
            case 0x02 -> "128bit";
            case 0x08 -> "56bit";
            case 0x10 -> "FIPS";
            default -> name();
        };
    }

    /** Names of every bit of a mask (client encryptionMethods). */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        if ((value & 0x01) != 0) out.add("ENCRYPTION_METHOD_40BIT");
        if ((value & 0x02) != 0) out.add("ENCRYPTION_METHOD_128BIT");
        if ((value & 0x08) != 0) out.add("ENCRYPTION_METHOD_56BIT");
        if ((value & 0x10) != 0) out.add("ENCRYPTION_METHOD_FIPS");
        int rest = value & ~0x1B;
        if (rest != 0) out.add(String.format("0x%08x", rest));
        if (out.isEmpty()) out.add("ENCRYPTION_METHOD_NONE");
        return out;
    }

    public boolean isNone() {
        return value == 0;
    }

    @Override
    public String toString() {
        return name();
    }
}
