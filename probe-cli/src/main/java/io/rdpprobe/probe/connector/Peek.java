package io.rdpprobe.probe.connector;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Helpers to describe unexpected bytes for evidence: hex prefix and a guess at the service. */
final class Peek {
    private Peek() {}

    static String hexPrefix(ByteBuf buf, int max) {
        int n = Math.min(max, buf.readableBytes());
        StringBuilder sb = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(' ');
            sb.append(String.format("%02x", buf.getUnsignedByte(buf.readerIndex() + i)));
        }
        if (buf.readableBytes() > n) sb.append(" ...");
        return sb.toString();
    }

    /** Printable text of the first bytes, non-printables as '.', or null when mostly binary. */
    static String printable(ByteBuf buf, int max) {
        int n = Math.min(max, buf.readableBytes());
        StringBuilder sb = new StringBuilder(n);
        int printable = 0;
        for (int i = 0; i < n; i++) {
            int c = buf.getUnsignedByte(buf.readerIndex() + i);
            if (c >= 0x20 && c < 0x7F) {
                sb.append((char) c);
                printable++;
            } else if (c == '\r' || c == '\n') {
                sb.append(' ');
                printable++;
            } else {
                sb.append('.');
            }
        }
        return n > 0 && printable * 10 >= n * 8 ? sb.toString().trim() : null;
    }

    /** A guess at what answered, from the first bytes. */
    static String guessService(ByteBuf buf) {
        String text = buf.toString(buf.readerIndex(), Math.min(16, buf.readableBytes()), StandardCharsets.ISO_8859_1);
        if (text.startsWith("SSH-")) return "an SSH server";
        if (text.startsWith("HTTP/")) return "an HTTP server";
        if (text.startsWith("220")) return "an FTP or SMTP server";
        if (text.startsWith("RFB ")) return "a VNC server";
        if (text.startsWith("+OK") || text.startsWith("* OK")) return "a mail server";
        if (buf.readableBytes() >= 3) {
            int b0 = buf.getUnsignedByte(buf.readerIndex());
            int b1 = buf.getUnsignedByte(buf.readerIndex() + 1);
            if (b0 >= 0x14 && b0 <= 0x17 && b1 == 0x03) {
                return "a TLS server expecting a ClientHello first (an HTTPS or RD Gateway port?)";
            }
        }
        return null;
    }
}
