package io.messages.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP forwarder on 127.0.0.1 that plays a Kubernetes Service: clients connect to one stable
 * port, and each new connection goes to one of the servers it points at now, in turn
 * ({@link #pointTo(int)}, as CloudNativePG moves its -rw Service to a promoted primary;
 * {@link #add(int)} and {@link #remove(int)}, as endpoints come and go). It can also hold
 * everything it forwards ({@link #pause()}), as a network link that stalls.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<Integer> targets = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private volatile boolean paused;

    private TcpProxy(int target) {
        this.targets.add(target);
        try {
            this.listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().start(this::accept);
    }

    /** A proxy forwarding to 127.0.0.1:{@code target}. */
    public static TcpProxy to(int target) {
        return new TcpProxy(target);
    }

    /** The port clients connect to. */
    public int port() {
        return listener.getLocalPort();
    }

    /** New connections go to 127.0.0.1:{@code target} alone from now on. */
    public void pointTo(int target) {
        targets.add(target);
        targets.removeIf(port -> port != target);
    }

    /** New connections may go to 127.0.0.1:{@code target} too. */
    public void add(int target) {
        targets.add(target);
    }

    /** New connections no longer go to 127.0.0.1:{@code target} (open ones stay). */
    public void remove(int target) {
        targets.remove(Integer.valueOf(target));
    }

    /** Holds every byte in both directions until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    public void resume() {
        paused = false;
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(TcpProxy::quietlyClose);
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> forward(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void forward(Socket client) {
        Socket server;
        try {
            List<Integer> now = List.copyOf(targets);
            server = new Socket(InetAddress.getLoopbackAddress(), now.get(Math.floorMod(next.getAndIncrement(), now.size())));
        } catch (IOException | ArithmeticException e) {
            quietlyClose(client); // nothing listens there: the client sees its connection end
            return;
        }
        open.add(client);
        open.add(server);
        Thread.ofVirtual().start(() -> pump(client, server));
        pump(server, client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                while (paused) {
                    Thread.sleep(5);
                }
                out.write(buffer, 0, n);
            }
        } catch (IOException e) {
            // one side is gone: so is the other
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            quietlyClose(from);
            quietlyClose(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void quietlyClose(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
