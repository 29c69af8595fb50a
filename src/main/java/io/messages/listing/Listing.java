package io.messages.listing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

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
import io.messages.db.Storage;
import io.messages.web.Compression;
import io.messages.web.EntityTag;
import io.messages.web.ResponseMemory;
import io.messages.web.TransactionFilter;

import org.jspecify.annotations.Nullable;

/**
 * The recipe's listing: {@code Here are your list of messages: } and every message, oldest
 * first, joined by newlines; the same design on every database.
 *
 * <p><b>KeptListing, and exact against any writer.</b> A listing up to a memory budget
 * ({@code messages.listing.keep}, an eighth of the heap by default) is kept in memory with its
 * version (where the database stood when it was read), in pieces that an extension shares
 * ({@link ListingBody}: an insert costs what it added). It is served again only
 * when a check, one statement in the reader's own snapshot ({@link ListingCheck}), proves that
 * the database holds exactly it, or it plus the messages the check returned (then it is extended
 * with them). Anything else (an update, a delete, an insert out of order, another process's
 * write) makes the listing be read again whole. A listing reflects every write acknowledged
 * before its request began: the check runs after the reader arrived. Readers share checks: one
 * runs at a time, and the next serves every reader that arrived meanwhile, since it begins after
 * all of them did. Where the database can prove that nothing at all was committed since the kept
 * listing was proven ({@link Storage#unchangedSince}: SQLite's WAL index, read without a
 * transaction), no check is needed: while nobody writes, readers neither query nor wait. A kept
 * listing has a strong entity tag (its version and a hash of its bytes): {@code If-None-Match}
 * with it is answered {@code 304} at the cost of the check alone, as {@code HEAD} is.
 *
 * <p><b>Larger ones stream.</b> A listing over the budget is written a chunk of about
 * {@link #CHUNK} bytes at a time, each chunk read in a short transaction of its own before it is written
 * ({@link Engine#read}): memory does not grow with the table, and a client that stops
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
public final class Listing {
    /** What every listing begins with (the recipe's text). */
    public static final String PREFIX = "Here are your list of messages: ";
    /** What a listing too large to keep is read and written at a time. */
    static final int CHUNK = 1 << 20;

    private static final byte[] PREFIX_BYTES = PREFIX.getBytes(StandardCharsets.UTF_8);
    private static final Map<String, Counter> SOURCES = new ConcurrentHashMap<>();

    // One check, for every reader that arrived before it began: its listing (null when the
    // listing was too large to keep: each reader then reads it itself), and when it ended.
    private record Round(CompletableFuture<Void> previous, CompletableFuture<@Nullable KeptListing> listing,
                         CompletableFuture<Void> ended) {
    }

    private final Engine engine;
    private final ListingCheck check;
    private final ResponseMemory memory;
    private final long budget;
    private final Compression compression;
    private final ListingGzip gzip = new ListingGzip();
    private final AtomicReference<@Nullable KeptListing> kept = new AtomicReference<>();
    // The last listing read was over the budget: the next is streamed from its first chunk, not
    // read up to the budget again (each reader would hold that much); cleared when one fits.
    private volatile boolean tooLarge;
    // Guarded by this: the round still taking readers, and the end of the last one that began.
    private @Nullable Round open;
    private CompletableFuture<Void> lastEnded = CompletableFuture.completedFuture(null);

    /**
     * The listing of {@code engine}'s messages, kept within {@code budget} bytes, its answers
     * within {@code memory}, compressed as {@code compression} says.
     */
    public Listing(Engine engine, ResponseMemory memory, long budget, Compression compression) {
        this.engine = engine;
        this.check = ListingCheck.of(engine);
        this.memory = memory;
        this.budget = budget;
        this.compression = compression;
    }

    /**
     * Writes the listing to {@code res} (whose headers are already set); with {@code headOnly}
     * (a {@code HEAD}), only what its head says: the kept listing's length, or for a listing too
     * large to keep, that it streams (and none of it is read beyond what showed that).
     */
    public void send(ServerRequest req, ServerResponse res, boolean headOnly) {
        // Nothing committed since the kept listing was proven current: no check to wait for.
        KeptListing known = kept.get();
        if (known != null && engine.storage().unchangedSince(known.mark())) {
            count(req, "unchanged");
            send(req, res, known, headOnly);
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
            KeptListing listing = joined(round.listing());
            count(req, "shared");
            send(req, res, listing != null ? listing : readWhole(req, res, null, () -> { }, headOnly), headOnly);
            return;
        }
        round.previous().exceptionally(failure -> null).join();
        synchronized (this) {
            // Readers from now on wait for the next round: this check begins after they arrived.
            open = null;
            lastEnded = round.ended();
        }
        KeptListing listing;
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
        send(req, res, listing, headOnly);
    }

    // The kept listing proven current (or extended), else read whole; null when it was too large
    // to keep and went to res already (tooLargeNow runs before it is streamed).
    private @Nullable KeptListing current(ServerRequest req, ServerResponse res, Runnable tooLargeNow, boolean headOnly) {
        // Taken before the check's snapshot: if nothing commits after it, what the check proves stays so.
        CommitMark mark = engine.storage().commitMark();
        KeptListing before = kept.get();
        if (before != null) {
            KeptListing now = check.check(engine, before, budget, mark);
            if (now != null) {
                count(req, now.body() == before.body() ? "kept" : "extended");
                kept.compareAndSet(before, now);
                return now;
            }
        }
        return readWhole(req, res, before, tooLargeNow, headOnly);
    }

    // The whole listing, kept (in place of replaced) when it fits; null when it was too large and
    // was streamed to res, chunk by chunk (tooLargeNow runs first).
    private @Nullable KeptListing readWhole(ServerRequest req, ServerResponse res, @Nullable KeptListing replaced, Runnable tooLargeNow,
                                     boolean headOnly) {
        CommitMark mark = engine.storage().commitMark();
        ListingBuffer buffer = new ListingBuffer(8192);
        buffer.add(PREFIX_BYTES);
        // A HEAD reads no more than a chunk: what does not fit in one is not kept by it either.
        long first = tooLarge || headOnly ? CHUNK : budget;
        ListingRows.Appended chunk = ListingRows.appendListing(engine, true, buffer, first);
        if (chunk.complete()) {
            KeptListing whole = KeptListing.of(buffer.body(), chunk.lastId(), Objects.requireNonNull(chunk.version()), mark);
            kept.compareAndSet(replaced, whole);
            this.tooLarge = false;
            count(req, "read");
            return whole;
        }
        kept.compareAndSet(replaced, null);
        if (first == budget) {
            this.tooLarge = true; // before the round's other readers go and read it for themselves
        }
        tooLargeNow.run();
        count(req, "streamed");
        boolean gzipped = compression.accepted(req);
        if (gzipped) {
            Compression.encoded(res);
        }
        if (headOnly) {
            // GET's head: a streamed body, of a length not known before it is read.
            res.header(HeaderValues.TRANSFER_ENCODING_CHUNKED);
            res.send();
            return null;
        }
        // Its chunk, and Helidon's copies of the piece being sent (and a compressor's state):
        // held while the client takes them.
        ResponseMemory.Reservation reservation = memory.reserve(buffer.size() + 2L * ResponseMemory.SENDING
                                                                        + (gzipped ? Compression.STREAM_BYTES : 0));
        long total = buffer.size();
        try (OutputStream out = gzipped ? Compression.gzip(res.outputStream()) : res.outputStream()) {
            buffer.writeInPieces(out);
            while (!chunk.complete()) {
                buffer.reset();
                chunk = ListingRows.appendAfter(engine, chunk.lastId(), false, buffer, CHUNK);
                total += buffer.size();
                buffer.writeInPieces(out);
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ServerConnectionException("the client did not take the listing", e);
        } finally {
            reservation.close();
        }
        if (total <= budget) {
            this.tooLarge = false; // it shrank (deletes): the next reader keeps it again
        }
        return null;
    }

    private void count(ServerRequest req, String source) {
        if (!TransactionFilter.transactionOf(req).counted()) {
            return;
        }
        SOURCES.computeIfAbsent(source, it -> Services.get(MeterRegistry.class).getOrCreate(
                Counter.builder("messages.listings").description("Listings served, by how they were made")
                        .tags(List.of(Tag.create("source", it))))).increment();
    }

    // A kept listing: its tag, then 304 if the client has it already, its head alone for a HEAD,
    // else its bytes as they are kept (its gzip form, made once per version, if the client takes it).
    private void send(ServerRequest req, ServerResponse res, @Nullable KeptListing listing, boolean headOnly) {
        if (listing == null) {
            return;
        }
        ListingBody body = listing.body();
        ListingGzip.Form form = compression.applies(req, body.length()) ? gzip.of(body, listing.etag(), budget) : null;
        // A strong tag names one representation: the gzip form has its own.
        String etag = form == null ? listing.etag() : form.etag();
        if (form != null) {
            Compression.encoded(res);
        }
        long length = form != null ? form.size() : body.length();
        if (EntityTag.notModified(req, res, etag)) {
            return;
        }
        if (headOnly) {
            ResponseMemory.sendHead(res, length);
        } else if (form != null) {
            memory.sendShared(res, length, form::writeTo);
        } else if (body.pieces().length == 1) {
            // One piece (a listing under 64 KiB): one write with its length, as any small answer.
            memory.send(res, body.pieces()[0], (int) length);
        } else {
            memory.sendShared(res, length, body::writeTo);
        }
    }

    // The round's listing, or its check's failure as this reader's own.
    private static @Nullable KeptListing joined(CompletableFuture<@Nullable KeptListing> listing) {
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
