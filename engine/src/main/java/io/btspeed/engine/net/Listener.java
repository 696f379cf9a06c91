package io.btspeed.engine.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/** Accepts incoming peer connections and hands each to {@code onAccept} on its own virtual thread. */
public final class Listener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Listener.class);

    private final ServerSocketChannel server;
    private final Consumer<SocketChannel> onAccept;
    private final Thread acceptor;

    private Listener(ServerSocketChannel server, Consumer<SocketChannel> onAccept) {
        this.server = server;
        this.onAccept = onAccept;
        this.acceptor = Thread.ofVirtual().name("bt-accept").unstarted(this::acceptLoop);
    }

    /** Binds and starts accepting; a port already in use gives an IOException that names the address. */
    public static Listener open(InetAddress bind, int port, Consumer<SocketChannel> onAccept) throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        InetSocketAddress at = new InetSocketAddress(bind, port);
        try {
            ch.bind(at, 128);
        } catch (BindException e) {
            ch.close();
            throw new BindException("cannot listen on " + at.getAddress().getHostAddress() + ":" + port
                    + " (" + e.getMessage() + "); is another client using that port?");
        }
        Listener l = new Listener(ch, onAccept);
        l.acceptor.start();
        return l;
    }

    public int port() {
        return server.socket().getLocalPort();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name("bt-in").start(() -> onAccept.accept(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                log.warn("accept failed: {}", e.getMessage());
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
