package io.rdpprobe.netns;

import io.rdpprobe.demo.DemoServer;
import io.rdpprobe.demo.Fault;

/**
 * The embedded demo endpoint on a given address, for {@link NetnsPathTest}: started with {@code ip netns exec} inside
 * the server's namespace. Prints {@code READY <port>} once it listens and runs until its standard input closes.
 */
public final class NetnsDemoMain {
    private NetnsDemoMain() {}

    public static void main(String[] args) throws Exception {
        try (DemoServer s = DemoServer.startOn(args[0], Integer.parseInt(args[1]), Fault.NONE)) {
            System.out.println("READY " + s.port());
            System.out.flush();
            while (System.in.read() >= 0) {
                // wait for the test to close our stdin
            }
        }
    }
}
