package io.messages.web;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.messages.http.Connections;

/**
 * Heap that responses hold while they wait for their clients, within one budget
 * ({@code messages.connections.response-memory}). A response is held as long as its client takes
 * it: a client that stops reading holds it until {@code send-timeout}. One such client is
 * harmless; a few hundred, each holding a large listing or page, would each keep megabytes and run
 * the heap out (the connection cap bounds how many connections there are, not what each holds).
 * So a large response reserves what it will hold before it is sent, and releases it once sent
 * or abandoned; when the budget is spent, the request is answered {@code 503} with
 * {@code Retry-After: 1} (Tomcat and nginx bound the same memory by their buffers per
 * connection; here the responses are not buffered, so they are counted instead). Every response
 * refused so is counted: {@code messages_responses_shed_total}.
 */
public final class ResponseMemory {
    /** Bytes a response holds at most of a body it shares (Helidon's copy of its first write). */
    public static final int SENDING = Connections.WRITE_SLICE;
    /** What a chunked body is written in: a slice, less room for the chunk's framing, so each is one write. */
    public static final int PIECE = SENDING - 64;
    /**
     * Bodies up to this size go in one write. Helidon joins a response's first write to its
     * headers in a copy and writes the later ones as they are, so a larger body's first write is
     * cut to {@link #FIRST_WRITE} bytes: one more write instead of a copy of the body per response.
     */
    static final int ONE_WRITE = 8192;
    /** What a body over {@link #ONE_WRITE} is cut to in its first write. */
    static final int FIRST_WRITE = 32;

    private final long budget;
    private final AtomicLong reserved = new AtomicLong();
    private final Counter shed = Services.get(MeterRegistry.class).getOrCreate(
            Counter.builder("messages.responses.shed")
                    .description("Requests answered 503 because responses waiting for their clients held all of "
                                         + "messages.connections.response-memory"));

    /** A budget of {@code budget} bytes. */
    public ResponseMemory(long budget) {
        if (budget < SENDING) {
            throw new IllegalArgumentException("messages.connections.response-memory must be auto or at least "
                                                       + SENDING + " bytes, not " + budget);
        }
        this.budget = budget;
    }

    /**
     * The budget in {@code connections} (the {@code messages.connections} node): {@code auto}
     * (the default) is a quarter of the heap, beside the quarter the connection cap gives idle
     * connections: 144 MiB in a pod with a 768Mi limit.
     */
    public static ResponseMemory from(Config connections) {
        String size = connections.get("response-memory").asString().orElse("auto");
        if (size.equals("auto")) {
            return new ResponseMemory(Runtime.getRuntime().maxMemory() / 4);
        }
        try {
            return new ResponseMemory(Long.parseLong(size));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("messages.connections.response-memory must be auto or a number of bytes, not '"
                                                       + size + "'", e);
        }
    }

    /**
     * Reserves {@code bytes} for a response, without waiting.
     *
     * @return the reservation, to close once the response is sent or abandoned
     * @throws HttpException {@code 503} with {@code Retry-After: 1} when the budget cannot hold it
     */
    public Reservation reserve(long bytes) {
        long now;
        do {
            now = reserved.get();
            // The first response is always let through, however large: a budget never refuses all.
            if (now > 0 && now + bytes > budget) {
                shed.increment();
                throw new HttpException("The service is busy sending other responses; try again later.",
                                        Status.SERVICE_UNAVAILABLE_503, true)
                        .header(HeaderValues.create(HeaderNames.RETRY_AFTER, "1"));
            }
        } while (!reserved.compareAndSet(now, now + bytes));
        return new Reservation(bytes);
    }

    /** Bytes reserved now. */
    public long reserved() {
        return reserved.get();
    }

    /** The budget, in bytes. */
    public long budget() {
        return budget;
    }

    /**
     * Sends {@code body} to {@code res} (headers set) within the budget. {@code owned}: the body
     * is this response's alone (a page), held until sent; otherwise it is shared (the kept
     * listing) and the response holds only Helidon's copy of its first write. A body larger than
     * {@link #ONE_WRITE} is streamed with its {@code Content-Length}, its first write cut
     * ({@link FirstWriteCut}): Helidon copies only those few bytes and sends the rest as it is
     * (one {@code send(byte[])} would copy it whole).
     */
    public void send(ServerResponse res, byte[] body, boolean owned) {
        Reservation reservation = reserve((owned ? body.length : 0) + Math.min(body.length, SENDING));
        try {
            write(res, body, body.length);
        } finally {
            reservation.close();
        }
    }

    /**
     * Sends the first {@code length} bytes of a shared array (a small kept listing), with its
     * {@code Content-Length}: the response holds at most Helidon's copy of them.
     */
    public void send(ServerResponse res, byte[] shared, int length) {
        Reservation reservation = reserve(length);
        try {
            write(res, shared, length);
        } finally {
            reservation.close();
        }
    }

    // The first length bytes of body, with their Content-Length: in one write up to ONE_WRITE,
    // else streamed (the socket's writer slices it).
    private static void write(ServerResponse res, byte[] body, int length) {
        if (length <= ONE_WRITE) {
            res.send(body, 0, length);
            return;
        }
        stream(res, length, out -> {
            try {
                out.write(body, 0, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // Writes body to res with its Content-Length, its first write cut (FirstWriteCut).
    private static void stream(ServerResponse res, long length, Body body) {
        try (OutputStream out = new FirstWriteCut(res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length))
                                                          .outputStream())) {
            body.writeTo(out);
        } catch (IOException | UncheckedIOException e) {
            throw new ServerConnectionException("the client did not take the response", e);
        }
    }

    /** Sends GET's head for a body of {@code length} bytes (headers set), without the body: nothing held. */
    public static void sendHead(ServerResponse res, long length) {
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(length));
        res.send();
    }

    /** Writes a body to a stream: a body kept elsewhere, sent as it is. */
    @FunctionalInterface
    public interface Body {
        /**
         * Writes the whole body to {@code out}, in writes of at most {@link #SENDING} bytes.
         *
         * @throws java.io.UncheckedIOException if the client does not take it
         */
        void writeTo(OutputStream out);
    }

    /**
     * Sends a shared body of {@code length} bytes (a kept listing) to {@code res} (headers set),
     * with its {@code Content-Length}: the response holds only Helidon's copy of its first write.
     */
    public void sendShared(ServerResponse res, long length, Body body) {
        Reservation reservation = reserve(Math.min(length, SENDING));
        try {
            stream(res, length, body);
        } finally {
            reservation.close();
        }
    }

    /**
     * A response's stream whose first write, when over {@link #ONE_WRITE} bytes, goes as two: its
     * first {@link #FIRST_WRITE} bytes (which Helidon copies behind the headers), then the rest as
     * it is.
     */
    static final class FirstWriteCut extends OutputStream {
        private final OutputStream out;
        private boolean first = true;

        FirstWriteCut(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            first = false;
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (first && len > ONE_WRITE) {
                out.write(b, off, FIRST_WRITE);
                off += FIRST_WRITE;
                len -= FIRST_WRITE;
            }
            first = false;
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() throws IOException {
            out.close();
        }
    }

    /** Bytes reserved for one response; closing it (once) gives them back. */
    public final class Reservation implements AutoCloseable {
        private final long bytes;
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                reserved.addAndGet(-bytes);
            }
        }
    }
}
