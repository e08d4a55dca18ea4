package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.util.ArrayList;
import java.util.List;

/**
 * ClientHello body, after the 4-byte handshake header (RFC 5246 7.4.1.2, RFC 8446 4.1.2).
 *
 * <pre>
 * | legacy_version (2) | random (32) | session_id len(1)+data | cipher_suites len(2)+u16[] |
 * | compression_methods len(1)+u8[] | [extensions len(2) + {type(2) len(2) data}...] |
 * </pre>
 *
 * @param serverName        the server_name host_name, or null
 * @param supportedVersions the supported_versions extension list (TLS 1.3 clients), empty if absent
 * @param extensionTypes    every extension type in order
 * @param rawExtensions     the extensions block as on the wire (length prefix included), or an empty array when the
 *                          hello has none; {@link #encode} writes it verbatim so real hellos round-trip exactly
 */
public record ClientHello(int legacyVersion, byte[] random, byte[] sessionId, List<Integer> cipherSuites,
                          List<Integer> compressionMethods, String serverName, List<Integer> supportedVersions,
                          List<Integer> extensionTypes, byte[] rawExtensions) {
    public ClientHello {
        cipherSuites = List.copyOf(cipherSuites);
        compressionMethods = List.copyOf(compressionMethods);
        supportedVersions = List.copyOf(supportedVersions);
        extensionTypes = List.copyOf(extensionTypes);
        rawExtensions = rawExtensions.clone();
    }

    /** A minimal hello for tests and synthetic captures: given suites, optional SNI, null compression. */
    public static ClientHello of(int version, byte[] random, List<Integer> suites, String sni) {
        List<Integer> ext = new ArrayList<>();
        byte[] raw = new byte[0];
        if (sni != null) {
            ext.add(Extensions.SERVER_NAME);
            io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.buffer();
            b.writeShort(0);
            Extensions.writeServerName(b, sni);
            b.setShort(0, b.readableBytes() - 2);
            raw = io.netty.buffer.ByteBufUtil.getBytes(b);
        }
        return new ClientHello(version, random, new byte[0], suites, List.of(0), sni, List.of(), ext, raw);
    }

    public static ClientHello decode(ByteBuf buf) {
        int version = Wire.u16be(buf, Layer.TLS, "client_hello.legacy_version");
        byte[] random = Wire.bytes(buf, 32, Layer.TLS, "client_hello.random");
        int sidLen = Wire.u8(buf, Layer.TLS, "client_hello.session_id.length");
        Wire.checkLength(sidLen, 0, 32, Layer.TLS, "client_hello.session_id.length", buf.readerIndex() - 1);
        byte[] sid = Wire.bytes(buf, sidLen, Layer.TLS, "client_hello.session_id");
        List<Integer> suites = Extensions.u16List(buf, 2, "client_hello.cipher_suites");
        int cmLen = Wire.u8(buf, Layer.TLS, "client_hello.compression_methods.length");
        ByteBuf cm = Wire.slice(buf, cmLen, Layer.TLS, "client_hello.compression_methods");
        List<Integer> methods = new ArrayList<>(cmLen);
        while (cm.isReadable()) {
            methods.add((int) cm.readUnsignedByte());
        }
        String sni = null;
        List<Integer> versions = List.of();
        List<Integer> types = new ArrayList<>();
        int extStart = buf.readerIndex();
        List<Extensions.Ext> exts = Extensions.read(buf, "client_hello");
        byte[] raw = io.netty.buffer.ByteBufUtil.getBytes(buf, extStart, buf.readerIndex() - extStart);
        for (Extensions.Ext e : exts) {
            types.add(e.type());
            if (e.type() == Extensions.SERVER_NAME && e.body().isReadable()) {
                sni = Extensions.serverName(e.body());
            } else if (e.type() == Extensions.SUPPORTED_VERSIONS) {
                versions = Extensions.u16List(e.body(), 1, "client_hello.supported_versions");
            }
        }
        if (buf.isReadable()) {
            throw DecodeException.badLength(Layer.TLS, "client_hello", buf.readerIndex(), buf.readableBytes() + " trailing byte(s)");
        }
        return new ClientHello(version, random, sid, suites, methods, sni, versions, types, raw);
    }

    /** Encodes the body (without handshake header); the extensions block is written as kept. */
    public void encode(ByteBuf buf) {
        buf.writeShort(legacyVersion).writeBytes(random).writeByte(sessionId.length).writeBytes(sessionId);
        buf.writeShort(cipherSuites.size() * 2);
        for (int s : cipherSuites) {
            buf.writeShort(s);
        }
        buf.writeByte(compressionMethods.size());
        for (int m : compressionMethods) {
            buf.writeByte(m);
        }
        buf.writeBytes(rawExtensions);
    }

    public int encodedLength() {
        return 2 + 32 + 1 + sessionId.length + 2 + cipherSuites.size() * 2 + 1 + compressionMethods.size()
                + rawExtensions.length;
    }

    /** The highest version offered: from supported_versions when present (GREASE skipped), else legacy_version. */
    public int maxVersion() {
        int max = 0;
        for (int v : supportedVersions) {
            if (!TlsVersions.isGrease(v) && v > max) {
                max = v;
            }
        }
        return max == 0 ? legacyVersion : max;
    }
}
