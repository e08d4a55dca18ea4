package io.rdpprobe.protocol.gcc;

/** Server encryption level (MS-RDPBCGR 2.2.1.4.3). Open. */
public record EncryptionLevel(int value) {
    public static final EncryptionLevel NONE = new EncryptionLevel(0);
    public static final EncryptionLevel LOW = new EncryptionLevel(1);
    public static final EncryptionLevel CLIENT_COMPATIBLE = new EncryptionLevel(2);
    public static final EncryptionLevel HIGH = new EncryptionLevel(3);
    public static final EncryptionLevel FIPS = new EncryptionLevel(4);

    public String name() {
        return switch (value) {
            case 0 -> "ENCRYPTION_LEVEL_NONE";
            case 1 -> "ENCRYPTION_LEVEL_LOW";
            case 2 -> "ENCRYPTION_LEVEL_CLIENT_COMPATIBLE";
            case 3 -> "ENCRYPTION_LEVEL_HIGH";
            case 4 -> "ENCRYPTION_LEVEL_FIPS";
            default -> String.format("UNKNOWN(0x%08x)", value);
        };
    }

    /** "High", "Client Compatible", ... as Zeek prints. */
    public String label() {
        return switch (value) {
            case 0 -> "None";
            case 1 -> "Low";
            case 2 -> "Client Compatible";
            case 3 -> "High";
            case 4 -> "FIPS";
            default -> name();
        };
    }

    @Override
    public String toString() {
        return name();
    }
}
