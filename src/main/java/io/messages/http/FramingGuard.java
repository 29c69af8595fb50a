package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;

import org.jspecify.annotations.Nullable;

/**
 * The bytes Helidon's HTTP/1 connection reads, one whole checked request at a time
 * ({@link RequestFraming}): Helidon parses only requests that are complete and unambiguous. A
 * request that is not gets one fixed answer ({@link PlainAnswers}) and the connection is
 * closed; so does a request whose sender falls silent for longer than the read timeout (408),
 * while a connection idle between requests for that long is closed without an answer.
 *
 * <p>Helidon asks for bytes only when it has no request in hand, so whatever this writes never
 * interleaves with one of its responses.
 */
final class FramingGuard implements Supplier<byte[]> {
    private static final BufferData CONTINUE = BufferData.create("HTTP/1.1 100 Continue\r\n\r\n"
                                                                         .getBytes(StandardCharsets.US_ASCII));
    private static final int READING = 0;
    private static final int WAITING = 1;
    private static final int TIMED_OUT = 2;

    private final ConnectionContext connection;
    private final DataReader socket;
    private final RequestFraming framing;
    private final long timeoutNanos;
    // Who owns the wire while this waits: the reader (bytes came) or the deadline (timed out).
    private final AtomicInteger state = new AtomicInteger(READING);
    private volatile long waitingSince;
    private volatile boolean partialWhileWaiting;

    FramingGuard(ConnectionContext connection, FramingLimits limits, Duration readTimeout) {
        this.connection = connection;
        this.socket = connection.dataReader();
        this.framing = new RequestFraming(limits);
        this.timeoutNanos = readTimeout.toNanos();
        if (timeoutNanos > 0) {
            ReadDeadlines.watch(this);
        }
    }

    @Override
    public byte @Nullable [] get() {
        while (true) {
            byte[] request = framing.nextRequest();
            if (request != null) {
                return request;
            }
            framing.rejection().ifPresent(this::answerAndClose);
            if (framing.closeRequested()) {
                throw new CloseConnectionException("the client asked to close the connection");
            }
            if (framing.takeContinue()) {
                connection.dataWriter().writeNow(CONTINUE.rewind());
            }
            byte[] bytes = read();
            if (bytes == null) {
                if (framing.midRequest()) {
                    answerAndClose(RequestFraming.CUT_SHORT);
                }
                return null;
            }
            framing.feed(bytes);
        }
    }

    /** Whether the connection is still open. */
    boolean open() {
        return connection.serverSocket().isConnected();
    }

    /** Whether this has been waiting for bytes for longer than the read timeout at {@code now}. */
    boolean expired(long now) {
        return timeoutNanos > 0 && state.get() == WAITING && now - waitingSince > timeoutNanos;
    }

    /** The read timed out: answers 408 if a request had begun, and closes the connection. */
    void timeOut() {
        if (!state.compareAndSet(WAITING, TIMED_OUT)) {
            return; // bytes came just now
        }
        try {
            if (partialWhileWaiting) {
                connection.dataWriter().writeNow(PlainAnswers.raw(RequestFraming.TOO_SLOW));
            }
        } catch (RuntimeException e) {
            // the client is gone already
        } finally {
            connection.serverSocket().close();
        }
    }

    // The next bytes from the client, or null at the end of the stream.
    private byte @Nullable [] read() {
        partialWhileWaiting = framing.midRequest();
        waitingSince = System.nanoTime();
        state.set(WAITING);
        try {
            socket.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException e) {
            endWait();
            return null;
        } catch (RuntimeException e) {
            endWait();
            throw e;
        }
        endWait();
        return socket.readBytes(socket.available());
    }

    // Takes the wire back from the deadline; if it timed out first, its answer stands and the
    // connection ends (the read above then failed because it closed the socket).
    private void endWait() {
        if (state.getAndSet(READING) == TIMED_OUT) {
            throw new CloseConnectionException("read timed out");
        }
    }

    private void answerAndClose(RequestFraming.Rejection rejection) {
        try {
            connection.dataWriter().writeNow(PlainAnswers.raw(rejection));
        } catch (RuntimeException e) {
            // the client is gone already
        }
        throw new CloseConnectionException("invalid request framing: " + rejection.status().code());
    }
}
