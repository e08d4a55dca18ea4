package io.rdpprobe.protocol.credssp;

import io.rdpprobe.protocol.codec.DecodeException;
import io.rdpprobe.protocol.codec.Layer;

/**
 * A pre-check run before BouncyCastle parses peer DER (X.690 8.1): every TLV's length fits its container,
 * lengths are definite and at most 4 bytes, tags are single-byte, and constructed nesting stays below a
 * depth limit, so hostile input cannot drive the ASN.1 parser into deep recursion or large allocations.
 */
public final class DerCheck {
    /** Deep enough for TSRequest (6) and SPNEGO (8) with margin. */
    public static final int MAX_DEPTH = 16;

    private DerCheck() {}

    /** Checks that {@code der} is exactly one well-framed TLV. */
    public static void check(byte[] der, Layer layer, String field) {
        int end = walk(der, 0, der.length, 0, layer, field);
        if (end != der.length) {
            throw DecodeException.badLength(layer, field, end, (der.length - end) + " byte(s) after the DER value");
        }
    }

    private static int walk(byte[] b, int pos, int limit, int depth, Layer layer, String field) {
        if (depth > MAX_DEPTH) {
            throw DecodeException.invalid(layer, field, pos, "DER nesting deeper than " + MAX_DEPTH);
        }
        if (pos + 2 > limit) {
            throw DecodeException.badLength(layer, field, pos, "truncated DER header");
        }
        int tag = b[pos] & 0xFF;
        if ((tag & 0x1F) == 0x1F) {
            throw DecodeException.invalid(layer, field, pos, "multi-byte DER tags are not used here");
        }
        int l0 = b[pos + 1] & 0xFF;
        int p = pos + 2;
        long len;
        if (l0 < 0x80) {
            len = l0;
        } else {
            int k = l0 & 0x7F;
            if (k == 0 || k > 4) {
                throw DecodeException.badLength(layer, field, pos + 1, k == 0 ? "indefinite length" : k + " length bytes");
            }
            if (p + k > limit) {
                throw DecodeException.badLength(layer, field, pos + 1, "truncated DER length");
            }
            len = 0;
            for (int j = 0; j < k; j++) {
                len = (len << 8) | (b[p + j] & 0xFF);
            }
            p += k;
        }
        if (len > limit - p) {
            throw DecodeException.badLength(layer, field, pos + 1,
                    "DER length " + len + " exceeds the " + (limit - p) + " byte(s) available");
        }
        int end = p + (int) len;
        if ((tag & 0x20) != 0) {
            int q = p;
            while (q < end) {
                q = walk(b, q, end, depth + 1, layer, field);
            }
        }
        return end;
    }
}
