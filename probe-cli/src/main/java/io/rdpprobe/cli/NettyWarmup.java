package io.rdpprobe.cli;

/**
 * Start-up (issue 13): for {@code probe}, {@code scan} and {@code demo}, Netty's class initialisation (platform
 * probing, the epoll library, the allocator, the channel and bootstrap classes, the annotation proxies of
 * {@code @Sharable} and {@code @Skip}) runs on a second thread while the main thread builds and parses the command
 * line, which touches no Netty class. The command waits for it ({@link #await}) before its first Netty use, so no
 * class is initialised by both threads at once. Nothing is created (no event loop, socket or file); a failure here is
 * ignored, and the command meets it again, on its own thread, where it is reported as before.
 */
final class NettyWarmup implements Runnable {
    private static Thread thread;

    private NettyWarmup() {}

    /** Starts the warm-up when {@code args} name a command that uses Netty; after {@link Main#startupDefaults}. */
    static synchronized void start(String[] args) {
        if (thread != null || args.length == 0 || !(args[0].equals("probe") || args[0].equals("scan")
                || args[0].equals("demo")) || Boolean.getBoolean("rdpprobe.nowarmup")) {
            return;
        }
        Thread t = new Thread(new NettyWarmup(), "rdp-probe-warmup");
        t.setDaemon(true);
        t.start();
        thread = t;
    }

    /** Waits for the warm-up, if one runs; the commands call this before their first Netty class. */
    static void await() {
        Thread t;
        synchronized (NettyWarmup.class) {
            t = thread;
        }
        if (t == null) {
            return;
        }
        boolean interrupted = false;
        while (t.isAlive()) {
            try {
                t.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        try {
            io.rdpprobe.probe.netty.Transport transport = io.rdpprobe.probe.netty.Transport.preferred();
            ClassLoader loader = NettyWarmup.class.getClassLoader();
            Class.forName(transport.socketChannel().getName(), true, loader);
            Class.forName("io.netty.channel.MultiThreadIoEventLoopGroup", true, loader);
            Class.forName("io.netty.bootstrap.Bootstrap", true, loader);
            io.netty.buffer.ByteBufAllocator.DEFAULT.isDirectBufferPooled();
            // the annotations Netty reads of every handler: ChannelInitializer's @Sharable, the adapters' @Skip
            io.netty.channel.ChannelInitializer.class.isAnnotationPresent(io.netty.channel.ChannelHandler.Sharable.class);
            io.netty.channel.ChannelInboundHandlerAdapter.class
                    .getMethod("channelRead", io.netty.channel.ChannelHandlerContext.class, Object.class).getAnnotations();
        } catch (Throwable ignored) {
            // the command's own use of Netty meets and reports it
        }
    }
}
