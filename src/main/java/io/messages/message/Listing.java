package io.messages.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.helidon.webserver.http.ServerResponse;
import io.messages.db.RequestTransaction;

import org.jspecify.annotations.Nullable;

/**
 * The recipe's listing: {@code Here are your list of messages: } and every message, oldest
 * first, joined by newlines.
 *
 * <p>Rows are written as they are read: a listing larger than {@link #CACHE_LIMIT} streams
 * (chunked) from the database cursor, so memory does not grow with the table. A smaller one is
 * kept as bytes and served again until the next committed write, when this process sees every
 * write (SQLite). It stays exact: the data version is read before the query, grows with every
 * commit before that write's response is sent, and a body is served only for a version at least
 * as new as the reader's. Readers that arrive while a version is being rendered wait for that
 * one render instead of each running the query.
 */
final class Listing {
    static final String PREFIX = "Here are your list of messages: ";
    /** Largest body kept in memory; larger listings stream. */
    static final int CACHE_LIMIT = 1 << 20;

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final Rendered NOTHING = new Rendered(-1, CompletableFuture.completedFuture(null));

    // A render of one data version; its body is null while too large to keep or after a failure.
    private record Rendered(long version, CompletableFuture<byte @Nullable []> body) {
    }

    private final MessageStore store;
    private final AtomicReference<Rendered> latest = new AtomicReference<>(NOTHING);

    Listing(MessageStore store) {
        this.store = store;
    }

    /** Writes the listing to {@code res} (whose headers are already set). */
    void send(RequestTransaction tx, ServerResponse res) {
        OptionalLong version = tx.dataVersion();
        if (version.isEmpty()) {
            sendRendered(res, render(tx, res, null));
            return;
        }
        while (true) {
            Rendered current = latest.get();
            if (current.version() >= version.getAsLong()) {
                byte[] body = current.body().join();
                sendRendered(res, body != null ? body : render(tx, res, null));
                return;
            }
            Rendered mine = new Rendered(version.getAsLong(), new CompletableFuture<>());
            if (latest.compareAndSet(current, mine)) {
                byte[] body;
                try {
                    body = render(tx, res, mine.body());
                } catch (RuntimeException e) {
                    mine.body().complete(null);
                    latest.compareAndSet(mine, NOTHING);
                    throw e;
                }
                mine.body().complete(body);
                sendRendered(res, body);
                return;
            }
        }
    }

    // The body, or null when it outgrew the cache limit and was streamed to res already.
    private byte @Nullable [] render(RequestTransaction tx, ServerResponse res,
                                     @Nullable CompletableFuture<byte @Nullable []> tooLarge) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(8192);
        OutputStream out = buffer;
        OutputStream streaming = null;
        try (Stream<String> values = store.stream(tx)) {
            buffer.write(PREFIX_BYTES);
            boolean first = true;
            // One hasNext() per row: the cursor is closed at its end and must not be asked again.
            for (Iterator<String> it = values.iterator(); it.hasNext(); first = false) {
                String value = it.next();
                if (!first) {
                    out.write('\n');
                }
                out.write(value.getBytes(StandardCharsets.UTF_8));
                if (streaming == null && buffer.size() > CACHE_LIMIT) {
                    if (tooLarge != null) {
                        tooLarge.complete(null); // let waiting readers stream for themselves
                    }
                    streaming = res.outputStream();
                    buffer.writeTo(streaming);
                    out = streaming;
                }
            }
            if (streaming != null) {
                streaming.close();
                return null;
            }
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("the listing could not be written", e);
        }
    }

    private static void sendRendered(ServerResponse res, byte @Nullable [] body) {
        if (body != null) {
            res.send(body);
        }
    }
}
