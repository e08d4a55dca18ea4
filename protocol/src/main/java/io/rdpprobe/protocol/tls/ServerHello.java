package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * ServerHello body, after the 4-byte handshake header (RFC 5246 7.4.1.3, RFC 8446 4.1.3).
 *
 * <pre>
 * | legacy_version (2) | random (32) | session_id len(1)+data | cipher_suite (2) | compression (1) | [extensions] |
 * </pre>
 *
 * @param selectedVersion the supported_versions extension value (TLS 1.3), or 0 if absent
 * @param rawExtensions   the extensions block as on the wire (length prefix included), or empty; written verbatim
 */
public record ServerHello(int legacyVersion, byte[] random, byte[] sessionId, int cipherSuite, int compressionMethod,
                          int selectedVersion, List<Integer> extensionTypes, byte[] rawExtensions) {
    public ServerHello {
        extensionTypes = List.copyOf(extensionTypes);
        rawExtensions = rawExtensions.clone();
    }

    public static ServerHello of(int version, byte[] random, int suite) {
        return new ServerHello(version, random, new byte[0], suite, 0, 0, List.of(), new byte[0]);
    }

    public static ServerHello decode(ByteBuf buf) {
        int version = Wire.u16be(buf, Layer.TLS, "server_hello.legacy_version");
        byte[] random = Wire.bytes(buf, 32, Layer.TLS, "server_hello.random");
        int sidLen = Wire.u8(buf, Layer.TLS, "server_hello.session_id.length");
        Wire.checkLength(sidLen, 0, 32, Layer.TLS, "server_hello.session_id.length", buf.readerIndex() - 1);
        byte[] sid = Wire.bytes(buf, sidLen, Layer.TLS, "server_hello.session_id");
        int suite = Wire.u16be(buf, Layer.TLS, "server_hello.cipher_suite");
        int comp = Wire.u8(buf, Layer.TLS, "server_hello.compression_method");
        int selected = 0;
        List<Integer> types = new ArrayList<>();
        int extStart = buf.readerIndex();
        List<Extensions.Ext> exts = Extensions.read(buf, "server_hello");
        byte[] raw = io.netty.buffer.ByteBufUtil.getBytes(buf, extStart, buf.readerIndex() - extStart);
        for (Extensions.Ext e : exts) {
            types.add(e.type());
            if (e.type() == Extensions.SUPPORTED_VERSIONS) {
                selected = Wire.u16be(e.body(), Layer.TLS, "server_hello.supported_versions");
            }
        }
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.TLS, "server_hello", buf.readerIndex(), buf.readableBytes() + " trailing byte(s)");
        }
        return new ServerHello(version, random, sid, suite, comp, selected, types, raw);
    }

    /** Encodes the body; the extensions block is written as kept. */
    public void encode(ByteBuf buf) {
        buf.writeShort(legacyVersion).writeBytes(random).writeByte(sessionId.length).writeBytes(sessionId)
                .writeShort(cipherSuite).writeByte(compressionMethod).writeBytes(rawExtensions);
    }

    public int encodedLength() {
        return 2 + 32 + 1 + sessionId.length + 3 + rawExtensions.length;
    }

    /** The negotiated version: supported_versions when present (TLS 1.3), else legacy_version. */
    public int version() {
        return selectedVersion != 0 ? selectedVersion : legacyVersion;
    }
}
