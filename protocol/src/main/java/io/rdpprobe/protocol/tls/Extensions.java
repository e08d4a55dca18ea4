package io.rdpprobe.protocol.tls;

import io.netty.buffer.ByteBuf;
import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;
import io.rdpprobe.protocol.codec.Wire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Extension helpers shared by ClientHello and ServerHello (RFC 8446 4.2, RFC 6066 3). */
final class Extensions {
    static final int SERVER_NAME = 0;
    static final int SUPPORTED_VERSIONS = 43;

    private Extensions() {}

    /** One extension: type and body slice (not retained). */
    record Ext(int type, ByteBuf body) {}

    static List<Ext> read(ByteBuf buf, String owner) {
        List<Ext> out = new ArrayList<>();
        if (!buf.isReadable()) {
            return out; // extensions are optional before TLS 1.3
        }
        int total = Wire.u16be(buf, Layer.TLS, owner + ".extensions.length");
        ByteBuf all = Wire.slice(buf, total, Layer.TLS, owner + ".extensions");
        while (all.isReadable()) {
            int type = Wire.u16be(all, Layer.TLS, owner + ".extension.type");
            int len = Wire.u16be(all, Layer.TLS, owner + ".extension.length");
            out.add(new Ext(type, Wire.slice(all, len, Layer.TLS, owner + ".extension.data")));
        }
        return out;
    }

    /** server_name: the first host_name entry (RFC 6066 3). */
    static String serverName(ByteBuf b) {
        int listLen = Wire.u16be(b, Layer.TLS, "server_name.list.length");
        ByteBuf list = Wire.slice(b, listLen, Layer.TLS, "server_name.list");
        while (list.isReadable()) {
            int type = Wire.u8(list, Layer.TLS, "server_name.type");
            int len = Wire.u16be(list, Layer.TLS, "server_name.length");
            ByteBuf name = Wire.slice(list, len, Layer.TLS, "server_name.host_name");
            if (type == 0) {
                return name.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    static List<Integer> u16List(ByteBuf b, int lenBytes, String field) {
        int len = lenBytes == 1 ? Wire.u8(b, Layer.TLS, field + ".length") : Wire.u16be(b, Layer.TLS, field + ".length");
        if ((len & 1) != 0) {
            throw DecodeException.badLength(Layer.TLS, field + ".length", b.readerIndex(), "odd length " + len);
        }
        ByteBuf list = Wire.slice(b, len, Layer.TLS, field);
        List<Integer> out = new ArrayList<>(len / 2);
        while (list.isReadable()) {
            out.add(list.readUnsignedShort());
        }
        return out;
    }

    static void writeServerName(ByteBuf buf, String sni) {
        byte[] n = sni.getBytes(StandardCharsets.ISO_8859_1);
        buf.writeShort(SERVER_NAME).writeShort(n.length + 5).writeShort(n.length + 3).writeByte(0).writeShort(n.length).writeBytes(n);
    }
}
