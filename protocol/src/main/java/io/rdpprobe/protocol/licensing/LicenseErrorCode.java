package io.rdpprobe.protocol.licensing;

/** dwErrorCode of LICENSE_ERROR_MESSAGE (MS-RDPBCGR 2.2.1.12.1.3; MS-RDPELE 2.2.2.8). Open. */
public record LicenseErrorCode(int value) {
    public static final LicenseErrorCode ERR_INVALID_SERVER_CERTIFICATE = new LicenseErrorCode(0x01);
    public static final LicenseErrorCode ERR_NO_LICENSE = new LicenseErrorCode(0x02);
    public static final LicenseErrorCode ERR_INVALID_MAC = new LicenseErrorCode(0x03);
    public static final LicenseErrorCode ERR_INVALID_SCOPE = new LicenseErrorCode(0x04);
    public static final LicenseErrorCode ERR_NO_LICENSE_SERVER = new LicenseErrorCode(0x06);
    public static final LicenseErrorCode STATUS_VALID_CLIENT = new LicenseErrorCode(0x07);
    public static final LicenseErrorCode ERR_INVALID_CLIENT = new LicenseErrorCode(0x08);
    public static final LicenseErrorCode ERR_INVALID_PRODUCTID = new LicenseErrorCode(0x0B);
    public static final LicenseErrorCode ERR_INVALID_MESSAGE_LEN = new LicenseErrorCode(0x0C);

    public String name() {
        return switch (value) {
            case 0x01 -> "ERR_INVALID_SERVER_CERTIFICATE";
            case 0x02 -> "ERR_NO_LICENSE";
            case 0x03 -> "ERR_INVALID_MAC";
            case 0x04 -> "ERR_INVALID_SCOPE";
            case 0x06 -> "ERR_NO_LICENSE_SERVER";
            case 0x07 -> "STATUS_VALID_CLIENT";
            case 0x08 -> "ERR_INVALID_CLIENT";
            case 0x0B -> "ERR_INVALID_PRODUCTID";
            case 0x0C -> "ERR_INVALID_MESSAGE_LEN";
            default -> String.format("UNKNOWN_LICENSE_ERROR(0x%08x)", value);
        };
    }

    public String meaning() {
        return switch (value) {
            case 0x01 -> "the client rejected the server's licensing certificate";
            case 0x02 -> "the client has no license";
            case 0x03 -> "a licensing message had an invalid MAC";
            case 0x04 -> "the license scope is invalid";
            case 0x06 -> "the server could not reach a license server";
            case 0x07 -> "the client is licensed (licensing complete)";
            case 0x08 -> "the client is not valid for licensing";
            case 0x0B -> "the product id is invalid";
            case 0x0C -> "a licensing message had an invalid length";
            default -> "a licensing error code outside MS-RDPELE 2.2.2.8";
        };
    }

    public boolean isValidClient() {
        return value == 0x07;
    }

    @Override
    public String toString() {
        return name();
    }
}
