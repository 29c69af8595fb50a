package io.messages.message;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

import io.helidon.webserver.http.ServerResponse;
import io.messages.db.RequestTransaction;

import org.jspecify.annotations.Nullable;

/**
 * The listing on a server database (PostgreSQL), kept and served again while it is exact,
 * however many replicas write to the database.
 *
 * <p>A kept listing remembers the database snapshot it was read in. A check asks, in one
 * statement and so in one snapshot of its own ({@code select-messages-unseen}), for that
 * snapshot, the change counter, and every message its snapshot sees that the kept one did not:
 * those inserted by a transaction not visible in the kept snapshot ({@code inserted_by}, indexed,
 * from the kept snapshot's xmin on). That is exact whatever order transactions commit in: a
 * message is in the answer if and only if it is visible now and was not then, which is what a
 * fresh read would add. None: the kept listing is served. Only messages after the last kept one:
 * they are appended (the common case under writes). One with a lower id (a transaction that took
 * its id first and committed last), or a moved change counter (an update, delete or truncate):
 * the listing is read again whole, in a new snapshot. Every write acknowledged before a reader's
 * statement began is visible to it, so it is in what the reader gets, through any replica.
 */
final class SnapshotListing {
    /** Reads the whole listing: returns it, or null when it was too large to keep and was streamed to res. */
    @FunctionalInterface
    interface WholeRead {
        Listing.@Nullable Body read(RequestTransaction tx, ServerResponse res);
    }

    private record Kept(Listing.Body body, MessageStore.Snapshot snapshot) {
    }

    // One check, for every reader that arrived before it began: its listing (null when the
    // listing was too large to keep: each reader then reads it itself), and when it ended.
    private record Round(CompletableFuture<Void> previous, CompletableFuture<Listing.@Nullable Body> body,
                         CompletableFuture<Void> ended) {
    }

    private final MessageStore store;
    private final WholeRead wholeRead;
    private final AtomicReference<@Nullable Kept> kept = new AtomicReference<>();
    // Guarded by this: the round still taking readers, and the end of the last one that began.
    private @Nullable Round open;
    private CompletableFuture<Void> lastEnded = CompletableFuture.completedFuture(null);

    SnapshotListing(MessageStore store, WholeRead wholeRead) {
        this.store = store;
        this.wholeRead = wholeRead;
    }

    /**
     * Writes the listing to {@code res} (whose headers are already set). Readers share checks:
     * one check at a time runs, and the next serves every reader that arrived meanwhile, since it
     * begins after all of them did (so each still sees every write acknowledged before it
     * began). Under load, one statement answers many readers instead of one each.
     */
    void send(RequestTransaction tx, ServerResponse res) {
        Round round;
        boolean leads;
        synchronized (this) {
            leads = open == null;
            if (leads) {
                open = new Round(lastEnded, new CompletableFuture<>(), new CompletableFuture<>());
            }
            round = open;
        }
        if (!leads) {
            Listing.Body body = joined(round.body());
            Listing.count(tx, "shared");
            send(res, body != null ? body : wholeRead.read(tx, res));
            return;
        }
        round.previous().exceptionally(failure -> null).join();
        synchronized (this) {
            // Readers from now on wait for the next round: this check begins after they arrived.
            open = null;
            lastEnded = round.ended();
        }
        Listing.Body body;
        try {
            body = check(tx, res);
            round.body().complete(body);
        } catch (RuntimeException | Error e) {
            round.body().completeExceptionally(e);
            throw e;
        } finally {
            round.ended().complete(null);
        }
        // Sent after the round has its listing: a leader whose client is gone fails alone.
        send(res, body);
    }

    // The check itself: the listing, or null when it was too large to keep and streamed to res.
    private Listing.@Nullable Body check(RequestTransaction tx, ServerResponse res) {
        Kept current = kept.get();
        if (current != null) {
            MessageStore.Unseen unseen = store.unseen(tx, current.snapshot().text());
            if (unseen.snapshot().changes() == current.snapshot().changes()) {
                if (unseen.messages().isEmpty()) {
                    Listing.count(tx, "kept");
                    return current.body();
                }
                if (unseen.messages().getFirst().id() > current.body().lastId()) {
                    Listing.Body body = Listing.Body.of(current.body(), unseen.messages());
                    Listing.count(tx, "extended");
                    keep(current, body, unseen.snapshot());
                    return body;
                }
            }
        }
        // Read whole. The snapshot is taken first: the read may see more than it (commits in
        // between), and those messages will come back as unseen, with ids not above the last
        // kept one: the next check reads whole again. Conservative, never stale.
        MessageStore.Snapshot snapshot = store.snapshot(tx);
        Listing.Body body = wholeRead.read(tx, res);
        if (body != null) {
            keep(current, body, snapshot);
        }
        return body;
    }

    private void keep(@Nullable Kept current, Listing.Body body, MessageStore.Snapshot snapshot) {
        if (body.bytes().length <= Listing.CACHE_LIMIT) {
            kept.compareAndSet(current, new Kept(body, snapshot));
        }
    }

    private static void send(ServerResponse res, Listing.@Nullable Body body) {
        if (body != null) {
            res.send(body.bytes());
        }
    }

    // The round's listing, or its check's failure as this reader's own.
    private static Listing.@Nullable Body joined(CompletableFuture<Listing.@Nullable Body> body) {
        try {
            return body.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }
}
