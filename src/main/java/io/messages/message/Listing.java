package io.messages.message;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import io.helidon.http.HeaderValues;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.service.registry.Services;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.messages.db.CommitMark;
import io.messages.db.Engine;
import io.messages.http.ResponseMemory;

import org.jspecify.annotations.Nullable;

/**
 * The recipe's listing: {@code Here are your list of messages: } and every message, oldest
 * first, joined by newlines; the same design on every database.
 *
 * <p><b>Kept, and exact against any writer.</b> A listing up to {@link #CACHE_LIMIT} is kept in
 * memory with its version (where the database stood when it was read). It is served again only
 * when a check, one statement in the reader's own snapshot ({@link ListingCheck}), proves that
 * the database holds exactly it, or it plus the messages the check returned (then it is extended
 * with them). Anything else (an update, a delete, an insert out of order, another process's
 * write) makes the listing be read again whole. A listing reflects every write acknowledged
 * before its request began: the check runs after the reader arrived. Readers share checks: one
 * runs at a time, and the next serves every reader that arrived meanwhile, since it begins after
 * all of them did. Where the database can prove that nothing at all was committed since the kept
 * listing was proven ({@link Engine#unchangedSince}: SQLite's WAL index, read without a
 * transaction), no check is needed: while nobody writes, readers neither query nor wait.
 *
 * <p><b>Larger ones stream.</b> A listing over {@link #CACHE_LIMIT} is written a chunk of about
 * that size at a time, each chunk read in a short transaction of its own before it is written
 * ({@link Engine#readAlone}): memory does not grow with the table, and a client that stops
 * reading holds no pooled connection. Such a listing is not one snapshot: it holds every message
 * committed before the request began and not deleted before its chunk was read, each once, in
 * id order.
 *
 * <p>What a listing holds while its client takes it is counted in the {@link ResponseMemory}:
 * a kept one is sent in pieces, each reader holding at most one of them; a streamed one its chunk.
 *
 * <p>{@code messages_listings_total{source}} counts how each listing was made: {@code unchanged}
 * (nothing committed since it was proven), {@code kept} (proven by a check), {@code extended},
 * {@code read} (whole), {@code streamed} (too large to keep), {@code shared} (another reader's check).
 */
final class Listing {
    static final String PREFIX = "Here are your list of messages: ";
    /** Largest body kept in memory; larger listings stream. */
    static final int CACHE_LIMIT = 1 << 20;

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final Map<String, Counter> SOURCES = new ConcurrentHashMap<>();

    /**
     * A listing kept in memory.
     *
     * @param body    the whole response body
     * @param lastId  the id of its last message (0: none)
     * @param version where the database stood when it was read
     * @param mark    where its commits stood before it was read or last proven current
     */
    record Kept(byte[] body, long lastId, MessageStore.Version version, CommitMark mark) {
        Kept marked(CommitMark now) {
            return new Kept(body, lastId, version, now);
        }
    }

    // One check, for every reader that arrived before it began: its listing (null when the
    // listing was too large to keep: each reader then reads it itself), and when it ended.
    private record Round(CompletableFuture<Void> previous, CompletableFuture<@Nullable Kept> listing,
                         CompletableFuture<Void> ended) {
    }

    private final MessageStore store;
    private final Engine engine;
    private final ListingCheck check;
    private final Predicate<ServerRequest> uncounted;
    private final ResponseMemory memory;
    private final AtomicReference<@Nullable Kept> kept = new AtomicReference<>();
    // Guarded by this: the round still taking readers, and the end of the last one that began.
    private @Nullable Round open;
    private CompletableFuture<Void> lastEnded = CompletableFuture.completedFuture(null);

    Listing(MessageStore store, Engine engine, Predicate<ServerRequest> uncounted, ResponseMemory memory) {
        this.store = store;
        this.engine = engine;
        this.check = ListingCheck.of(engine);
        this.uncounted = uncounted;
        this.memory = memory;
    }

    /**
     * Writes the listing to {@code res} (whose headers are already set); with {@code headOnly}
     * (a {@code HEAD}), only what its head says: the kept listing's length, or for a listing too
     * large to keep, that it streams (and none of it is read beyond what showed that).
     */
    void send(ServerRequest req, ServerResponse res, boolean headOnly) {
        // Nothing committed since the kept listing was proven current: no check to wait for.
        Kept known = kept.get();
        if (known != null && engine.unchangedSince(known.mark())) {
            count(req, "unchanged");
            send(res, known, headOnly);
            return;
        }
        Round round;
        boolean leads;
        synchronized (this) {
            leads = open == null;
            if (leads) {
                open = new Round(lastEnded, new CompletableFuture<>(), new CompletableFuture<>());
            }
            round = Objects.requireNonNull(open);
        }
        if (!leads) {
            Kept listing = joined(round.listing());
            count(req, "shared");
            send(res, listing != null ? listing : readWhole(req, res, null, () -> { }, headOnly), headOnly);
            return;
        }
        round.previous().exceptionally(failure -> null).join();
        synchronized (this) {
            // Readers from now on wait for the next round: this check begins after they arrived.
            open = null;
            lastEnded = round.ended();
        }
        Kept listing;
        try {
            // Too large to keep: the round ends before this reader streams it (however slowly its
            // client takes it); the others read it for themselves.
            listing = current(req, res, () -> {
                round.listing().complete(null);
                round.ended().complete(null);
            }, headOnly);
            round.listing().complete(listing);
        } catch (RuntimeException | Error e) {
            round.listing().completeExceptionally(e);
            throw e;
        } finally {
            round.ended().complete(null);
        }
        // Sent after the round has its listing: a leader whose client is gone fails alone.
        send(res, listing, headOnly);
    }

    // The kept listing proven current (or extended), else read whole; null when it was too large
    // to keep and went to res already (tooLarge runs before it is streamed).
    private @Nullable Kept current(ServerRequest req, ServerResponse res, Runnable tooLarge, boolean headOnly) {
        // Taken before the check's snapshot: if nothing commits after it, what the check proves stays so.
        CommitMark mark = engine.commitMark();
        Kept before = kept.get();
        if (before != null) {
            Kept now = check.check(engine, store, before, CACHE_LIMIT, mark);
            if (now != null) {
                count(req, now.body() == before.body() ? "kept" : "extended");
                kept.compareAndSet(before, now);
                return now;
            }
        }
        return readWhole(req, res, before, tooLarge, headOnly);
    }

    // The whole listing, kept (in place of replaced) when it fits; null when it was too large and
    // was streamed to res, chunk by chunk (tooLarge runs first).
    private @Nullable Kept readWhole(ServerRequest req, ServerResponse res, @Nullable Kept replaced, Runnable tooLarge,
                                     boolean headOnly) {
        CommitMark mark = engine.commitMark();
        ListingBuffer buffer = new ListingBuffer(8192);
        buffer.add(PREFIX_BYTES);
        MessageStore.Appended chunk = store.appendListing(engine, true, buffer, CACHE_LIMIT);
        if (chunk.complete()) {
            Kept whole = new Kept(buffer.toByteArray(), chunk.lastId(), Objects.requireNonNull(chunk.version()), mark);
            kept.compareAndSet(replaced, whole);
            count(req, "read");
            return whole;
        }
        kept.compareAndSet(replaced, null);
        tooLarge.run();
        count(req, "streamed");
        if (headOnly) {
            // GET's head: a streamed body, of a length not known before it is read.
            res.header(HeaderValues.TRANSFER_ENCODING_CHUNKED);
            res.send();
            return null;
        }
        // Its chunk, and Helidon's copies of the piece being sent: held while the client takes them.
        ResponseMemory.Reservation reservation = memory.reserve(CACHE_LIMIT + 2L * ResponseMemory.SENDING);
        try (OutputStream out = res.outputStream()) {
            buffer.writeInPieces(out);
            while (!chunk.complete()) {
                buffer.reset();
                chunk = store.appendAfter(engine, chunk.lastId(), false, buffer, CACHE_LIMIT);
                buffer.writeInPieces(out);
            }
        } catch (IOException e) {
            throw new ServerConnectionException("the client did not take the listing", e);
        } finally {
            reservation.close();
        }
        return null;
    }

    private void count(ServerRequest req, String source) {
        if (uncounted.test(req)) {
            return;
        }
        SOURCES.computeIfAbsent(source, it -> Services.get(MeterRegistry.class).getOrCreate(
                Counter.builder("messages.listings").description("Listings served, by how they were made")
                        .tags(List.of(Tag.create("source", it))))).increment();
    }

    private void send(ServerResponse res, @Nullable Kept listing, boolean headOnly) {
        if (listing != null && headOnly) {
            MessageService.sendHead(res, listing.body().length);
        } else if (listing != null) {
            memory.send(res, listing.body(), false);
        }
    }

    // The round's listing, or its check's failure as this reader's own.
    private static @Nullable Kept joined(CompletableFuture<@Nullable Kept> listing) {
        try {
            return listing.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
