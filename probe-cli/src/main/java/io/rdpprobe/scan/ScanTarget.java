package io.rdpprobe.scan;

import io.rdpprobe.probe.netty.Target;
import java.util.Locale;

/**
 * One target of a fleet scan: host and port, and the per-target options a targets CSV may give (user, the name of
 * the environment variable holding that user's password, RD Gateway). Never holds a password.
 *
 * @param user        NLA user for this target (DOMAIN\\user, user@domain, user), or null for the scan's --user
 * @param passwordEnv name of the environment variable with this target's password, or null for the scan's source
 * @param gateway     RD Gateway HOST[:PORT] for this target, or null for the scan's --gateway (or none)
 * @param origin      where it came from ("argv 10.0.0.0/24", "targets.csv:7"), for messages
 */
public record ScanTarget(String host, int port, String user, String passwordEnv, String gateway, String origin) {
    public ScanTarget {
        new Target(host, port); // validates host and port
    }

    public Target target() {
        return new Target(host, port);
    }

    /** The key that makes two targets duplicates: the same host (case-insensitive) and port through the same gateway. */
    public String key() {
        return target().toString().toLowerCase(Locale.ROOT) + (gateway == null ? "" : " via " + gateway.toLowerCase(Locale.ROOT));
    }

    /** The per-host key: no server sees more than one connection at a time from the scan. */
    public String hostKey() {
        return host.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return target() + (gateway == null ? "" : " via " + gateway);
    }
}
