package io.messages.listing;

import java.util.Objects;

import io.messages.db.CommitMark;
import io.messages.db.Engine;

import org.jspecify.annotations.Nullable;

/**
 * How a kept listing is proven to be what the database holds, on each kind of database: one
 * statement, so one snapshot, the reader's own, that returns where the database stands (its
 * listing version: the {@code listing_version} view) and the messages the kept listing lacks.
 * The kept listing is served, extended by those, only when the two prove that the database holds
 * exactly it and them; otherwise the listing is read again whole. Every writer counts, whoever it
 * is (the service, another instance, an operator's {@code sqlite3} or {@code psql}): the counters
 * behind the version are kept by triggers, in the writer's own transaction.
 */
enum ListingCheck {
    /**
     * SQLite: the version counts inserts and changes (updates, deletes). The messages after the
     * kept one's last id are exactly what is new if changes did not move and as many messages
     * came after it as inserts were counted since: an insert with a lower id (an operator's) or
     * one that replaced a row would leave them short.
     */
    COUNTED("select-listing-after") {
        @Override
        Object[] parameters(KeptListing kept) {
            return new Object[] {kept.lastId()};
        }

        @Override
        boolean exact(KeptListing kept, ListingRows.Appended now) {
            ListingRows.Version version = now.version();
            return version != null && version.changes() == kept.version().changes()
                    && Long.parseLong(version.rest()) - Long.parseLong(kept.version().rest()) == now.count();
        }
    },
    /**
     * PostgreSQL, where transactions commit in any order (a message with a lower id may become
     * visible later): the version holds the snapshot; the statement returns every message visible
     * now that the kept listing's snapshot did not see (by the transaction that inserted it). They
     * are exactly what is new if changes did not move and all of them come after the kept one.
     */
    SNAPSHOT("select-listing-unseen") {
        @Override
        Object[] parameters(KeptListing kept) {
            return new Object[] {kept.version().rest(), kept.version().rest()};
        }

        @Override
        boolean exact(KeptListing kept, ListingRows.Appended now) {
            ListingRows.Version version = now.version();
            return version != null && version.changes() == kept.version().changes()
                    && (now.count() == 0 || now.firstId() > kept.lastId());
        }
    };

    private final String statement;

    ListingCheck(String statement) {
        this.statement = statement;
    }

    /** The check of the database behind {@code engine}. */
    static ListingCheck of(Engine engine) {
        return engine.storage().commitsInIdOrder() ? COUNTED : SNAPSHOT;
    }

    /**
     * The kept listing, proven current: itself, or itself with the messages that came after it,
     * marked with {@code mark} (taken before this check began); null if it cannot be proven (read
     * the listing again) or would outgrow {@code limit}.
     */
    @Nullable KeptListing check(Engine engine, KeptListing kept, long limit, CommitMark mark) {
        ListingBuffer added = new ListingBuffer(256);
        ListingRows.Appended now = ListingRows.checkListing(engine, statement, kept.lastId() == 0, added,
                                                       limit - kept.body().length(), parameters(kept));
        if (!now.complete() || !exact(kept, now)) {
            return null;
        }
        if (now.count() == 0) {
            return kept.marked(mark);
        }
        // Extended, never copied: the kept pieces are shared, only the last one is copied.
        return KeptListing.of(kept.body().extendedBy(added), now.lastId(), Objects.requireNonNull(now.version()), mark);
    }

    abstract Object[] parameters(KeptListing kept);

    abstract boolean exact(KeptListing kept, ListingRows.Appended now);
}
