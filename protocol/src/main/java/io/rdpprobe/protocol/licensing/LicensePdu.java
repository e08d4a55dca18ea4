package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;

/**
 * A licensing PDU (MS-RDPBCGR 2.2.1.12; MS-RDPELE 2.2.2): preamble plus message. Error alerts and license
 * requests are decoded; platform challenges and new/upgrade licenses are detected and kept raw.
 *
 * @param errorMessage   set for ERROR_ALERT
 * @param licenseRequest set for LICENSE_REQUEST
 * @param body           the message bytes after the preamble
 */
public record LicensePdu(LicensePreamble preamble, LicenseErrorMessage errorMessage, LicenseRequest licenseRequest,
                         byte[] body) {

    /** Decodes the licensing message that starts at the reader index (after the security header). */
    public static LicensePdu decode(ByteBuf buf) {
        int at = buf.readerIndex();
        LicensePreamble p = LicensePreamble.decode(buf);
        int bodyLen = p.msgSize() - LicensePreamble.SIZE;
        if (bodyLen > buf.readableBytes()) {
            throw DecodeException.notEnough(Layer.LICENSING, "LICENSE_PREAMBLE.wMsgSize", buf, bodyLen);
        }
        byte[] body = Wire.bytes(buf, bodyLen, Layer.LICENSING, "licensingMessage");
        ByteBuf b = Unpooled.wrappedBuffer(body);
        LicenseErrorMessage err = null;
        LicenseRequest req = null;
        switch (p.msgType()) {
            case LicensePreamble.ERROR_ALERT -> err = LicenseErrorMessage.decode(b);
            case LicensePreamble.LICENSE_REQUEST -> req = LicenseRequest.decode(b);
            default -> { }
        }
        if (err != null && b.isReadable()) {
            throw DecodeException.badLength(Layer.LICENSING, "LICENSE_PREAMBLE.wMsgSize", at + 2,
                    b.readableBytes() + " byte(s) after the error message");
        }
        return new LicensePdu(p, err, req, body);
    }

    public boolean isPlatformChallenge() {
        return preamble.msgType() == LicensePreamble.PLATFORM_CHALLENGE;
    }

    public boolean isNewOrUpgradeLicense() {
        return preamble.msgType() == LicensePreamble.NEW_LICENSE || preamble.msgType() == LicensePreamble.UPGRADE_LICENSE;
    }

    public boolean isValidClient() {
        return errorMessage != null && errorMessage.isValidClient();
    }

    /** Preamble + error message bytes (for test servers). */
    public static byte[] errorAlert(LicenseErrorMessage m) {
        ByteBuf b = Unpooled.buffer();
        new LicensePreamble(LicensePreamble.ERROR_ALERT, LicensePreamble.PREAMBLE_VERSION_3_0 | 0x80,
                LicensePreamble.SIZE + m.encodedLength()).encode(b);
        m.encode(b);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }

    /** Preamble + arbitrary message (for test servers). */
    public static byte[] message(int msgType, byte[] body) {
        ByteBuf b = Unpooled.buffer();
        new LicensePreamble(msgType, LicensePreamble.PREAMBLE_VERSION_3_0, LicensePreamble.SIZE + body.length).encode(b);
        b.writeBytes(body);
        return io.netty.buffer.ByteBufUtil.getBytes(b);
    }
}
