package io.rdpprobe.probe.netty;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.rdpprobe.probe.model.TcpInfoSample;

/**
 * The socket transport: Netty's native epoll on Linux (its jar carries the library), which can read the kernel's
 * TCP_INFO, and NIO elsewhere or when {@code -Drdpprobe.transport=nio} asks for it. The name ({@code epoll},
 * {@code nio}) is what the TCP stage's evidence says ran.
 */
public enum Transport {
    EPOLL("epoll"),
    NIO("nio");

    private final String label;

    Transport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** epoll when it loads, unless {@code rdpprobe.transport=nio}. */
    public static Transport preferred() {
        if ("nio".equalsIgnoreCase(System.getProperty("rdpprobe.transport", ""))) {
            return NIO;
        }
        try {
            return Epoll.isAvailable() ? EPOLL : NIO;
        } catch (LinkageError e) {
            return NIO;
        }
    }

    public IoHandlerFactory ioHandlerFactory() {
        return this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    public Class<? extends SocketChannel> socketChannel() {
        return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** The channel's TCP_INFO, or null (not an epoll socket, not open, or the kernel refused). */
    public static TcpInfoSample tcpInfo(Channel ch) {
        if (!(ch instanceof EpollSocketChannel e) || !e.isOpen()) {
            return null;
        }
        try {
            EpollTcpInfo i = e.tcpInfo();
            return new TcpInfoSample(i.rtt(), i.rttvar(), i.retransmits(), i.totalRetrans(), i.lost(), i.pmtu(),
                    i.sndMss(), i.rcvMss(), i.advmss());
        } catch (RuntimeException ex) {
            return null;
        }
    }
}
