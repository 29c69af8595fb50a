package io.messages.message;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.ServerConnectionException;
import io.messages.db.Engine;
import io.messages.db.Engine.DataVersion;
import io.messages.db.RequestTransaction;

import org.jspecify.annotations.Nullable;

/**
 * The recipe's listing: {@code Here are your list of messages: } and every message, oldest
 * first, joined by newlines.
 *
 * <p>A listing larger than {@link #CACHE_LIMIT} streams (chunked), read and written a chunk of
 * about that size at a time, each chunk in a short transaction of its own ({@link Engine#readAlone}):
 * memory does not grow with the table, and a client that stops reading holds no pooled
 * connection. Such a listing is not one snapshot: it holds every message committed before the
 * request began and not deleted before its chunk was read, each once, in id order. A smaller one is
 * kept and served again while no write has committed since, when this process sees every write
 * (SQLite). It stays exact: the data version is read before the query, moves with every commit
 * before that write's response is sent, and a kept body is served only for a version at least as
 * new as the reader's. When every write since was an append of new messages, the kept body is
 * extended with the rows after its last id instead of being read again. Readers that arrive
 * while a version is being rendered wait for that one render. Where other processes write too
 * (PostgreSQL), {@link SnapshotListing} keeps it exact with the database's snapshots instead.
 *
 * <p>{@code messages_listings_total{source}} counts how each listing was made: {@code kept},
 * {@code extended}, {@code read} (whole), {@code streamed} (too large to keep).
 */
final class Listing {
    static final String PREFIX = "Here are your list of messages: ";
    /** Largest body kept in memory; larger listings stream. */
    static final int CACHE_LIMIT = 1 << 20;

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final Rendered NOTHING = new Rendered(new DataVersion(-1, -1), CompletableFuture.completedFuture(null));

    private static final Map<String, Counter> SOURCES = new ConcurrentHashMap<>();

    /**
     * What is kept of one listing: its bytes and the id of its last message (0: none).
     *
     * @param bytes  the whole response body
     * @param lastId the id of its last message
     */
    record Body(byte[] bytes, long lastId) {
        /** {@code base} (or the empty listing) followed by {@code messages}, which come after it. */
        static Body of(@Nullable Body base, List<Message> messages) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(base == null ? 8192 : base.bytes().length + 1024);
            out.writeBytes(base == null ? PREFIX_BYTES : base.bytes());
            long lastId = base == null ? 0 : base.lastId();
            for (Message message : messages) {
                if (lastId != 0) {
                    out.write('\n');
                }
                out.writeBytes(message.value().getBytes(StandardCharsets.UTF_8));
                lastId = message.id();
            }
            return new Body(out.toByteArray(), lastId);
        }
    }

    // A render of one data version; its body is null when too large to keep or after a failure.
    private record Rendered(DataVersion version, CompletableFuture<@Nullable Body> body) {
    }

    private final MessageStore store;
    private final Engine engine;
    private final SnapshotListing snapshots;
    private final AtomicReference<Rendered> latest = new AtomicReference<>(NOTHING);

    Listing(MessageStore store, Engine engine) {
        this.store = store;
        this.engine = engine;
        this.snapshots = new SnapshotListing(store, (tx, res) -> render(tx, res, null, null));
    }

    /** Counts one listing of {@code tx} made from {@code source} (kept, extended, read, streamed, shared). */
    static void count(RequestTransaction tx, String source) {
        if (tx.isRehearsal()) {
            return;
        }
        SOURCES.computeIfAbsent(source, it -> Services.get(MeterRegistry.class).getOrCreate(
                Counter.builder("messages.listings").description("Listings served, by how they were made")
                        .tags(List.of(Tag.create("source", it))))).increment();
    }

    /** Writes the listing to {@code res} (whose headers are already set). */
    void send(RequestTransaction tx, ServerResponse res) {
        Optional<DataVersion> version = tx.dataVersion();
        if (version.isEmpty()) {
            snapshots.send(tx, res);
            return;
        }
        while (true) {
            Rendered current = latest.get();
            if (current.version().writes() >= version.get().writes()) {
                Body body = current.body().join();
                if (body != null) {
                    count(tx, "kept");
                }
                sendKept(res, body != null ? body : render(tx, res, null, null));
                return;
            }
            Rendered mine = new Rendered(version.get(), new CompletableFuture<>());
            if (latest.compareAndSet(current, mine)) {
                // Still only appends since the kept body: extend it rather than read it all again.
                Body base = current.version().changes() == version.get().changes() ? current.body().getNow(null) : null;
                Body body;
                try {
                    body = render(tx, res, base, mine.body());
                } catch (RuntimeException e) {
                    mine.body().complete(null);
                    latest.compareAndSet(mine, NOTHING);
                    throw e;
                }
                mine.body().complete(body);
                sendKept(res, body);
                return;
            }
        }
    }

    // The listing from base (or from scratch), or null when it outgrew the cache limit and was
    // streamed to res already. Read in short transactions of its own, one per chunk of about
    // CACHE_LIMIT bytes, each before the chunk is written: a client that reads slowly holds no
    // pooled connection, and memory stays one chunk whatever the table's size.
    private @Nullable Body render(RequestTransaction tx, ServerResponse res, @Nullable Body base,
                                  @Nullable CompletableFuture<@Nullable Body> tooLarge) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(base == null ? 8192 : base.bytes().length + 1024);
        buffer.writeBytes(base == null ? PREFIX_BYTES : base.bytes());
        long after = base == null ? 0 : base.lastId();
        MessageStore.Chunk chunk = store.appendAfter(engine, after, after == 0, buffer, CACHE_LIMIT);
        if (chunk.complete()) {
            count(tx, base != null ? "extended" : "read");
            return new Body(buffer.toByteArray(), chunk.lastId());
        }
        if (tooLarge != null) {
            tooLarge.complete(null); // let waiting readers stream for themselves
        }
        count(tx, "streamed");
        try (OutputStream out = res.outputStream()) {
            buffer.writeTo(out);
            while (!chunk.complete()) {
                buffer.reset();
                chunk = store.appendAfter(engine, chunk.lastId(), false, buffer, CACHE_LIMIT);
                buffer.writeTo(out);
            }
        } catch (IOException e) {
            throw new ServerConnectionException("the client did not take the listing", e);
        }
        return null;
    }

    private static void sendKept(ServerResponse res, @Nullable Body body) {
        if (body != null) {
            res.send(body.bytes());
        }
    }
}
