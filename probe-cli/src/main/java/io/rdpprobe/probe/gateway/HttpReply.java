package io.rdpprobe.probe.gateway;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP response's status line and headers, as the gateway sent them (names lower-cased, repeated
 * headers kept in order), and the first bytes of its body. The Netty side fills it from codec-http.
 */
public record HttpReply(int status, String reason, Map<String, List<String>> headers, byte[] bodyPrefix) {
    public static final int MAX_BODY_PREFIX = 512;

    public HttpReply {
        Map<String, List<String>> h = new LinkedHashMap<>();
        headers.forEach((k, v) -> h.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
        headers = Collections.unmodifiableMap(h);
        bodyPrefix = bodyPrefix == null ? new byte[0] : bodyPrefix.clone();
    }

    public static HttpReply of(int status, String reason, List<String[]> headerPairs) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (String[] p : headerPairs) {
            h.computeIfAbsent(p[0].toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(p[1]);
        }
        return new HttpReply(status, reason, h, null);
    }

    public HttpReply withBody(byte[] prefix) {
        return new HttpReply(status, reason, headers, prefix);
    }

    public String first(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    public List<String> all(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null ? List.of() : v;
    }

    @Override
    public byte[] bodyPrefix() {
        return bodyPrefix.clone();
    }
}
