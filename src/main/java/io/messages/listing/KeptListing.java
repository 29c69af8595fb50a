package io.messages.listing;

import io.messages.db.CommitMark;
import io.messages.web.EntityTag;

/**
 * A listing kept in memory ({@link Listing}), with what proves it current and its tag.
 *
 * @param body    the whole response body
 * @param lastId  the id of its last message (0: none)
 * @param version where the database stood when it was read
 * @param mark    where its commits stood before it was read or last proven current
 * @param etag    its strong entity tag ({@link #of}), made once
 */
record KeptListing(ListingBody body, long lastId, ListingRows.Version version, CommitMark mark, String etag) {
    /**
     * The listing {@code body}, with its tag: the bytes, the count of updates and deletes and the
     * last id, so that it changes whenever the content does, whoever wrote (a delete then an
     * insert moves the count even where the text comes back the same). Not the rest of the
     * version: on PostgreSQL that is the snapshot, which any commit moves, and every instance
     * (and every reading again) gives the same listing the same tag only without it.
     */
    static KeptListing of(ListingBody body, long lastId, ListingRows.Version version, CommitMark mark) {
        long h = body.hash();
        for (long part : new long[] {version.changes(), lastId, body.length()}) {
            h = (h ^ part) * 0x100000001b3L;
            h ^= h >>> 29;
        }
        return new KeptListing(body, lastId, version, mark, EntityTag.of(h));
    }

    KeptListing marked(CommitMark now) {
        return new KeptListing(body, lastId, version, now, etag);
    }
}
