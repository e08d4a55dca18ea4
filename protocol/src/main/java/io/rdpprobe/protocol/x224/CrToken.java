package io.rdpprobe.protocol.x224;

import java.nio.charset.StandardCharsets;

/**
 * The optional text at the start of the X.224 CR variable part (MS-RDPBCGR 2.2.1.1): either a cookie
 * ({@code Cookie: mstshash=IDENTIFIER\r\n}) or an opaque routing token ending in CR LF. They are exclusive.
 */
public sealed interface CrToken permits CrToken.Cookie, CrToken.RoutingToken {
    String COOKIE_PREFIX = "Cookie: mstshash=";

    /** The bytes on the wire, CR LF included. */
    byte[] wireBytes();

    /** {@code Cookie: mstshash=<identifier>\r\n}; the identifier is usually a user name. */
    record Cookie(String identifier) implements CrToken {
        public Cookie {
            if (identifier.indexOf('\r') >= 0 || identifier.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("cookie may not contain CR or LF");
            }
        }

        @Override
        public byte[] wireBytes() {
            return (COOKIE_PREFIX + identifier + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    /**
     * A load-balancing routing token, such as {@code Cookie: msts=...} or {@code tsv://MS Terminal Services
     * Plugin.1.<collection>}. Kept as Latin-1 text without the trailing CR LF.
     */
    record RoutingToken(String value) implements CrToken {
        public RoutingToken {
            if (value.indexOf("\r\n") >= 0) {
                throw new IllegalArgumentException("routing token may not contain CR LF");
            }
        }

        @Override
        public byte[] wireBytes() {
            return (value + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        }
    }
}
