package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/** LICENSE_BINARY_BLOB (MS-RDPBCGR 2.2.1.12.1.2): {@code wBlobType u16 | wBlobLen u16 | blobData}. */
public record LicenseBinaryBlob(int blobType, byte[] data) {
    public static final int BB_ANY_BLOB = 0x0000;
    public static final int BB_DATA_BLOB = 0x0001;
    public static final int BB_RANDOM_BLOB = 0x0002;
    public static final int BB_CERTIFICATE_BLOB = 0x0003;
    public static final int BB_ERROR_BLOB = 0x0004;
    public static final int BB_ENCRYPTED_DATA_BLOB = 0x0009;
    public static final int BB_KEY_EXCHG_ALG_BLOB = 0x000D;
    public static final int BB_SCOPE_BLOB = 0x000E;
    public static final int BB_CLIENT_USER_NAME_BLOB = 0x000F;
    public static final int BB_CLIENT_MACHINE_NAME_BLOB = 0x0010;

    public static LicenseBinaryBlob decode(ByteBuf buf, String field) {
        int type = Wire.u16le(buf, Layer.LICENSING, field + ".wBlobType");
        int len = Wire.u16le(buf, Layer.LICENSING, field + ".wBlobLen");
        return new LicenseBinaryBlob(type, Wire.bytes(buf, len, Layer.LICENSING, field + ".blobData"));
    }

    public void encode(ByteBuf buf) {
        buf.writeShortLE(blobType).writeShortLE(data.length).writeBytes(data);
    }

    public int encodedLength() {
        return 4 + data.length;
    }

    public String typeName() {
        return switch (blobType) {
            case 0x0000 -> "BB_ANY_BLOB";
            case 0x0001 -> "BB_DATA_BLOB";
            case 0x0002 -> "BB_RANDOM_BLOB";
            case 0x0003 -> "BB_CERTIFICATE_BLOB";
            case 0x0004 -> "BB_ERROR_BLOB";
            case 0x0009 -> "BB_ENCRYPTED_DATA_BLOB";
            case 0x000D -> "BB_KEY_EXCHG_ALG_BLOB";
            case 0x000E -> "BB_SCOPE_BLOB";
            case 0x000F -> "BB_CLIENT_USER_NAME_BLOB";
            case 0x0010 -> "BB_CLIENT_MACHINE_NAME_BLOB";
            default -> String.format("UNKNOWN(0x%04x)", blobType);
        };
    }
}
