package io.messages.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpFeature;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.spi.ServerFeature;

import org.jspecify.annotations.Nullable;

/**
 * The public port's open connections, within their limits ({@link ConnectionLimits}): at most
 * {@code max} of them, a new one over the cap making room by closing the oldest that wait for a
 * request that has not begun (with none such, the new one is closed at once); and every
 * {@value #SWEEP_MILLIS} ms one thread ends those past a deadline ({@link ClientConnection}).
 *
 * <p>It also tells whether the public port still accepts connections ({@link #listening()}):
 * Helidon's listener stops for good on an error from {@code accept}, only liveness can then get
 * the process restarted, and it cannot learn that from Helidon (docs/design.md, "Connections").
 */
public final class Connections implements ServerFeature {
    /**
     * The most a connection writes at once: a larger write is cut into pieces of this size, each
     * timed for the send deadline, so that a client that reads slowly but steadily is never taken
     * for one that stopped. A response written in pieces of at most this size (framing included)
     * is written as it is, with no copy.
     */
    public static final int WRITE_SLICE = 64 * 1024;

    private static final System.Logger LOGGER = System.getLogger(Connections.class.getName());
    private static final long SWEEP_MILLIS = 100;
    private static final int PROBE_MILLIS = 1_000;

    private final String socket;
    private final ConnectionLimits limits;
    private final Set<ClientConnection> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger count = new AtomicInteger();
    private final Map<ClientConnection.Reason, LongAdder> closed = new EnumMap<>(ClientConnection.Reason.class);
    private volatile boolean stopped;
    private volatile boolean started;
    private volatile @Nullable InetSocketAddress address;

    /**
     * Connections within {@code limits}.
     *
     * @param limits the limits of the public port
     */
    public Connections(ConnectionLimits limits) {
        this(WebServer.DEFAULT_SOCKET_NAME, limits);
    }

    // The connections of the socket named socket.
    Connections(String socket, ConnectionLimits limits) {
        this.socket = socket;
        this.limits = limits;
        for (ClientConnection.Reason reason : ClientConnection.Reason.values()) {
            closed.put(reason, new LongAdder());
        }
    }

    /** The limits. */
    public ConnectionLimits limits() {
        return limits;
    }

    /** How many connections are open now. */
    public int open() {
        return count.get();
    }

    /** How many connections were closed by the service since start, by why (metric tags). */
    public Map<String, Long> closed() {
        Map<String, Long> byTag = new LinkedHashMap<>();
        closed.forEach((reason, n) -> byTag.put(reason.tag(), n.sum()));
        return byTag;
    }

    /**
     * Tells where the public port listens, once the server started: {@code host} as configured
     * (a wildcard address is asked on the loopback), {@code port} as bound.
     */
    public void listeningOn(String host, int port) {
        InetSocketAddress bound = new InetSocketAddress(host, port);
        address = bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()
                ? new InetSocketAddress(InetAddress.getLoopbackAddress(), port)
                : bound;
    }

    /**
     * Whether the public port accepts connections: false once a connection to it is refused.
     * A connection that waits (the backlog is full under a flood) or cannot be made here (no
     * descriptor left) proves nothing, and counts as accepted.
     */
    public boolean listening() {
        InetSocketAddress at = address;
        if (at == null || stopped) {
            return true;
        }
        try (Socket probe = new Socket()) {
            probe.connect(at, PROBE_MILLIS);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void setup(ServerFeatureContext server) {
        server.socket(socket).httpRouting().addFeature(new HttpFeature() {
            @Override
            public void setup(HttpRouting.Builder routing) {
                // Nothing to route: installed for the listener's lifecycle.
            }

            @Override
            public void afterStop() {
                stopped = true;
            }
        });
    }

    @Override
    public String name() {
        return socket.equals(WebServer.DEFAULT_SOCKET_NAME) ? "messages-connections" : "messages-connections-" + socket;
    }

    @Override
    public String type() {
        return "messages-connections";
    }

    /**
     * Admits a new connection: true if it may be served; false if it was closed at once because
     * the cap is reached and no idle connection could make room.
     */
    boolean admit(ClientConnection connection) {
        startSweeping();
        open.add(connection);
        if (count.incrementAndGet() <= limits.max()) {
            return true;
        }
        if (makeRoom()) {
            return true;
        }
        count(ClientConnection.Reason.REFUSED);
        connection.close();
        left(connection);
        return false;
    }

    /** A connection ended (for whatever reason): its place is free. */
    void left(ClientConnection connection) {
        if (open.remove(connection)) {
            count.decrementAndGet();
        }
    }

    // Closes the oldest idle connections: one percent of the cap at a time, so that a flood of
    // new connections pays for one look at all of them every so many, not one each.
    private boolean makeRoom() {
        List<ClientConnection> idle = new ArrayList<>();
        for (ClientConnection c : open) {
            if (c.idle()) {
                idle.add(c);
            }
        }
        idle.sort(Comparator.comparingLong(ClientConnection::waitingSince));
        int wanted = Math.max(1, limits.max() / 100);
        int ended = 0;
        for (ClientConnection c : idle) {
            if (ended == wanted) {
                break;
            }
            if (c.end(ClientConnection.Reason.EVICTED)) {
                count(ClientConnection.Reason.EVICTED);
                left(c);
                ended++;
            }
        }
        return ended > 0;
    }

    private void startSweeping() {
        if (!started) {
            synchronized (this) {
                if (!started) {
                    started = true;
                    Thread.ofPlatform().name("messages-connection-deadlines").daemon(true).start(this::sweep);
                }
            }
        }
    }

    private void sweep() {
        while (!stopped) {
            try {
                TimeUnit.MILLISECONDS.sleep(SWEEP_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (ClientConnection c : open) {
                try {
                    if (!c.open()) {
                        left(c);
                        continue;
                    }
                    ClientConnection.Reason reason = c.overdue(now);
                    if (reason != null && c.end(reason)) {
                        count(reason);
                        left(c);
                    }
                } catch (RuntimeException e) {
                    // One connection's failure must never stop the deadlines of all the others.
                    LOGGER.log(System.Logger.Level.WARNING, "Ending an overdue connection failed", e);
                    c.close();
                    left(c);
                }
            }
        }
    }

    private void count(ClientConnection.Reason reason) {
        closed.get(reason).increment();
    }
}
