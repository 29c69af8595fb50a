package io.messages.http;

import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.common.buffers.DataWriter;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.CloseConnectionException;

import org.jspecify.annotations.Nullable;

/**
 * One client connection on the public port as its deadlines see it: what it is waiting for
 * ({@link Phase}) and since when, and whether a response to it is stuck. The connection's own
 * thread reports its reads ({@link FramingGuard}) and writes ({@link WatchedWriter});
 * {@link Connections} looks at every connection a few times a second and ends the overdue ones
 * ({@link #overdue(long)}, {@link #end(Reason)}).
 *
 * <p>Who owns the wire while the reader waits is decided once, atomically: either bytes came
 * (the reader goes on) or the deadline fired (it answered 408 where a request had begun, and
 * closed the socket; the reader then stops).
 */
final class ClientConnection {
    /** What a waiting connection waits for. */
    enum Phase {
        /** The first byte of its first request. */
        NEW,
        /** The first byte of its next request (keep-alive). */
        IDLE,
        /** The rest of a request's line and headers. */
        HEAD,
        /** The rest of a request's body. */
        BODY
    }

    /** Why a connection was ended; each is a value of {@code messages_connections_closed_total{reason}}. */
    enum Reason {
        /** Sent nothing for the read timeout after connecting. */
        SILENT("silent"),
        /** Idle between requests for the idle timeout. */
        IDLE("idle"),
        /** A request's head or body did not arrive in time (answered 408). */
        SLOW_REQUEST("slow-request"),
        /** Took no part of its response for the send timeout. */
        SEND_STALLED("send-stalled"),
        /** Idle, and the oldest such, when a new connection needed its place under the cap. */
        EVICTED("evicted"),
        /** New, over the cap, with no idle connection to make room. */
        REFUSED("refused");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        /** The metric tag. */
        String tag() {
            return tag;
        }
    }

    private static final int READING = 0;
    private static final int WAITING = 1;
    private static final int ENDED = 2;

    private final HelidonSocket socket;
    private final DataWriter writer;
    private final ConnectionLimits limits;
    private final AtomicInteger wire = new AtomicInteger(READING);
    private volatile Phase phase = Phase.NEW;
    private volatile long waitingSince;
    private volatile long lastBytes = System.nanoTime();
    private volatile long requestStarted;
    private volatile long bodyStarted;
    private volatile long bodyBytes;
    // When the write in progress began; 0 when none is.
    private volatile long sendingSince;

    ClientConnection(HelidonSocket socket, DataWriter writer, ConnectionLimits limits) {
        this.socket = socket;
        this.writer = writer;
        this.limits = limits;
    }

    /**
     * The reader is about to wait for bytes, in {@code now}'s phase of the request, with
     * {@code body} bytes of its body read so far.
     */
    void awaitBytes(Phase now, long body) {
        Phase before = phase;
        if (now == Phase.HEAD && (before == Phase.NEW || before == Phase.IDLE)) {
            requestStarted = lastBytes;
        } else if (now == Phase.BODY && before != Phase.BODY) {
            if (before == Phase.NEW || before == Phase.IDLE) {
                requestStarted = lastBytes;
            }
            bodyStarted = lastBytes;
        }
        phase = now;
        bodyBytes = body;
        waitingSince = System.nanoTime();
        wire.set(WAITING);
    }

    /**
     * The reader stopped waiting (bytes came, or the read failed). If the deadline ended the
     * connection first, its answer stands and the reader must stop.
     *
     * @throws CloseConnectionException if the connection was ended while it waited
     */
    void stoppedWaiting() {
        lastBytes = System.nanoTime();
        if (wire.compareAndExchange(WAITING, READING) == ENDED) {
            throw new CloseConnectionException("the connection was ended while it waited");
        }
    }

    /** A response write begins. */
    void sending() {
        sendingSince = System.nanoTime();
    }

    /** The response write in progress ended. */
    void sent() {
        sendingSince = 0;
    }

    /** Whether the connection waits for a request that has not begun: it can be closed losing nothing. */
    boolean idle() {
        return wire.get() == WAITING && (phase == Phase.NEW || phase == Phase.IDLE);
    }

    /** Since when it has waited (for ordering idle connections, oldest first). */
    long waitingSince() {
        return waitingSince;
    }

    /** Whether the socket is still open. */
    boolean open() {
        return socket.isConnected();
    }

    /** Why the connection must end at {@code now}, or null while it is within its limits. */
    @Nullable Reason overdue(long now) {
        long sending = sendingSince;
        if (sending != 0 && now - sending > limits.sendTimeout().toNanos()) {
            return Reason.SEND_STALLED;
        }
        if (wire.get() != WAITING) {
            return null;
        }
        long silent = now - waitingSince;
        long read = limits.readTimeout().toNanos();
        return switch (phase) {
            case NEW -> silent > read ? Reason.SILENT : null;
            case IDLE -> silent > limits.idleTimeout().toNanos() ? Reason.IDLE : null;
            case HEAD -> silent > read || now - requestStarted > limits.headTimeout().toNanos()
                    ? Reason.SLOW_REQUEST : null;
            case BODY -> silent > read || now - bodyStarted > read + bodyBytes * 1_000_000_000L / limits.bodyMinRate()
                    ? Reason.SLOW_REQUEST : null;
        };
    }

    /**
     * Ends the connection for {@code reason}: a request that had begun gets its 408 first. A
     * waiting reader that got bytes just now keeps the connection instead (false), except for a
     * stalled response, which no answer can reach any more.
     *
     * @return whether it was ended
     */
    boolean end(Reason reason) {
        if (reason != Reason.SEND_STALLED && !wire.compareAndSet(WAITING, ENDED)) {
            return false;
        }
        try {
            if (reason == Reason.SLOW_REQUEST) {
                writer.writeNow(PlainAnswers.raw(RequestFraming.TOO_SLOW));
            }
        } catch (RuntimeException e) {
            // the client is gone already
        } finally {
            close();
        }
        return true;
    }

    /** Closes the socket, whatever the connection is doing. */
    void close() {
        try {
            socket.close();
        } catch (RuntimeException e) {
            // Already closed; with NIO sockets Helidon throws (UncheckedIOException(ClosedChannelException)).
        }
    }
}
