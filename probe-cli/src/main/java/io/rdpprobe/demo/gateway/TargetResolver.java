package io.rdpprobe.demo.gateway;

import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Map;

/**
 * How the gateway turns the resource name and port of a CHANNEL_CREATE into the TCP address it connects to.
 * The default resolves the name as a real gateway would ({@link #dns()}); tests map names to lab ports.
 */
@FunctionalInterface
public interface TargetResolver {
    /** The address to connect to; an unresolved address makes the connect fail (E_PROXY_TS_CONNECTFAILED). */
    InetSocketAddress resolve(String resourceName, int port);

    /** Resolve the name (DNS or an address literal), connect to the port the client asked for. */
    static TargetResolver dns() {
        return InetSocketAddress::new;
    }

    /** Names (case-insensitive) mapped to fixed addresses, whatever port the client asked for; others via DNS. */
    static TargetResolver mapped(Map<String, InetSocketAddress> byName) {
        Map<String, InetSocketAddress> m = new java.util.HashMap<>();
        byName.forEach((k, v) -> m.put(k.toLowerCase(Locale.ROOT), v));
        return (name, port) -> {
            InetSocketAddress a = m.get(name.toLowerCase(Locale.ROOT));
            return a != null ? a : new InetSocketAddress(name, port);
        };
    }
}
