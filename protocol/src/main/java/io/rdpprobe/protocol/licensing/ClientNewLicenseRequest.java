package io.rdpprobe.protocol.licensing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;

/**
 * CLIENT_NEW_LICENSE_REQUEST (MS-RDPELE 2.2.2.2), the message after the preamble (bMsgType NEW_LICENSE_REQUEST 0x13).
 *
 * <pre>
 * PreferredKeyExchangeAlg u32 (KEY_EXCHANGE_ALG_RSA 1) | PlatformId u32 | ClientRandom[32]
 * EncryptedPreMasterSecret  blob BB_RANDOM_BLOB: 48-byte premaster RSA-encrypted, little-endian, + 8 zero bytes
 * ClientUserName            blob BB_CLIENT_USER_NAME_BLOB: ASCII + NUL
 * ClientMachineName         blob BB_CLIENT_MACHINE_NAME_BLOB: ASCII + NUL
 * </pre>
 */
public record ClientNewLicenseRequest(int keyExchangeAlg, int platformId, byte[] clientRandom,
                                      LicenseBinaryBlob encryptedPreMasterSecret, LicenseBinaryBlob clientUserName,
                                      LicenseBinaryBlob clientMachineName) {
    public static final int KEY_EXCHANGE_ALG_RSA = 0x00000001;
    /** PlatformId high byte: the client OS (MS-RDPELE 2.2.2.2). */
    public static final int CLIENT_OS_ID_WINNT_POST_52 = 0x04000000;
    /** PlatformId second byte: the client image (MS-RDPELE 2.2.2.2). */
    public static final int CLIENT_IMAGE_ID_MICROSOFT = 0x00010000;
    public static final int PLATFORM_ID = CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_MICROSOFT;
    public static final int CLIENT_RANDOM_LENGTH = 32;
    public static final int PREMASTER_SECRET_LENGTH = 48;

    public ClientNewLicenseRequest {
        if (clientRandom.length != CLIENT_RANDOM_LENGTH) {
            throw new IllegalArgumentException("ClientRandom must be 32 bytes");
        }
        clientRandom = clientRandom.clone();
    }

    /** A request with ASCII user and machine names (non-ASCII characters become '?'). */
    public static ClientNewLicenseRequest of(byte[] clientRandom, byte[] encryptedPreMasterSecret, String userName,
                                             String machineName) {
        return new ClientNewLicenseRequest(KEY_EXCHANGE_ALG_RSA, PLATFORM_ID, clientRandom,
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_RANDOM_BLOB, encryptedPreMasterSecret),
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_CLIENT_USER_NAME_BLOB, asciiz(userName)),
                new LicenseBinaryBlob(LicenseBinaryBlob.BB_CLIENT_MACHINE_NAME_BLOB, asciiz(machineName)));
    }

    private static byte[] asciiz(String s) {
        return (s + "\0").getBytes(StandardCharsets.US_ASCII);
    }

    public static ClientNewLicenseRequest decode(ByteBuf buf) {
        int alg = Wire.i32le(buf, Layer.LICENSING, "CLIENT_NEW_LICENSE_REQUEST.PreferredKeyExchangeAlg");
        int platform = Wire.i32le(buf, Layer.LICENSING, "CLIENT_NEW_LICENSE_REQUEST.PlatformId");
        byte[] random = Wire.bytes(buf, CLIENT_RANDOM_LENGTH, Layer.LICENSING, "CLIENT_NEW_LICENSE_REQUEST.ClientRandom");
        LicenseBinaryBlob pms = blob(buf, "EncryptedPreMasterSecret", LicenseBinaryBlob.BB_RANDOM_BLOB);
        LicenseBinaryBlob user = blob(buf, "ClientUserName", LicenseBinaryBlob.BB_CLIENT_USER_NAME_BLOB);
        LicenseBinaryBlob machine = blob(buf, "ClientMachineName", LicenseBinaryBlob.BB_CLIENT_MACHINE_NAME_BLOB);
        return new ClientNewLicenseRequest(alg, platform, random, pms, user, machine);
    }

    private static LicenseBinaryBlob blob(ByteBuf buf, String field, int type) {
        int at = buf.readerIndex();
        LicenseBinaryBlob b = LicenseBinaryBlob.decode(buf, field);
        if (b.blobType() != type) {
            throw DecodeException.invalid(Layer.LICENSING, field + ".wBlobType", at,
                    "expected " + new LicenseBinaryBlob(type, new byte[0]).typeName() + ", got " + b.typeName());
        }
        return b;
    }

    public void encode(ByteBuf buf) {
        buf.writeIntLE(keyExchangeAlg).writeIntLE(platformId).writeBytes(clientRandom);
        encryptedPreMasterSecret.encode(buf);
        clientUserName.encode(buf);
        clientMachineName.encode(buf);
    }

    public int encodedLength() {
        return 8 + CLIENT_RANDOM_LENGTH + encryptedPreMasterSecret.encodedLength() + clientUserName.encodedLength()
                + clientMachineName.encodedLength();
    }

    /** Preamble (NEW_LICENSE_REQUEST, the given flags) plus this message. */
    public byte[] toPdu(int preambleFlags) {
        ByteBuf b = Unpooled.buffer(LicensePreamble.SIZE + encodedLength());
        new LicensePreamble(LicensePreamble.NEW_LICENSE_REQUEST, preambleFlags, LicensePreamble.SIZE + encodedLength()).encode(b);
        encode(b);
        return ByteBufUtil.getBytes(b);
    }

    /** Reads a whole licensing PDU (preamble included) that must be a NEW_LICENSE_REQUEST. */
    public static ClientNewLicenseRequest decodePdu(ByteBuf buf) {
        int at = buf.readerIndex();
        LicensePreamble p = LicensePreamble.decode(buf);
        if (p.msgType() != LicensePreamble.NEW_LICENSE_REQUEST) {
            throw DecodeException.unexpected(Layer.LICENSING, "LICENSE_PREAMBLE.bMsgType", at, p.msgTypeName());
        }
        ByteBuf body = Wire.slice(buf, p.msgSize() - LicensePreamble.SIZE, Layer.LICENSING, "CLIENT_NEW_LICENSE_REQUEST");
        ClientNewLicenseRequest r = decode(body);
        if (body.isReadable()) {
            throw DecodeException.badLength(Layer.LICENSING, "LICENSE_PREAMBLE.wMsgSize", at + 2,
                    body.readableBytes() + " byte(s) after the message");
        }
        return r;
    }

    public String userName() {
        return name(clientUserName);
    }

    public String machineName() {
        return name(clientMachineName);
    }

    private static String name(LicenseBinaryBlob b) {
        int n = 0;
        while (n < b.data().length && b.data()[n] != 0) n++;
        return new String(b.data(), 0, n, StandardCharsets.ISO_8859_1);
    }
}
