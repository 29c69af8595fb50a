package io.messages.listing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

import io.messages.web.EntityTag;

/**
 * A kept listing's bytes: pieces of {@link ListingBuffer#PIECE} bytes (the last one partly
 * filled), each sent as it is, never changed once built. Extending one by the messages that came
 * after it shares every full piece with it and copies only its last one: an insert costs what it
 * added, not what is kept. It carries a hash of its bytes, extended the same way, for its entity tag.
 *
 * @param pieces     the pieces; all full but the last
 * @param lastLength how many bytes of the last piece belong to the body
 * @param length     the body's length in bytes
 * @param hash       FNV-1a (64 bits) of the body's bytes
 */
record ListingBody(byte[][] pieces, int lastLength, long length, long hash) {
    static final ListingBody EMPTY = new ListingBody(new byte[0][], 0, 0, EntityTag.EMPTY_HASH);

    /** This body, then what {@code added} holds (the buffer is not used again). */
    ListingBody extendedBy(ListingBuffer added) {
        List<byte[]> more = added.fullPieces();
        if (pieces.length == 0) {
            // A body of its own: the buffer's pieces, as they are.
            byte[][] all = more.toArray(new byte[more.size() + 1][]);
            all[more.size()] = added.lastPiece();
            long h = EntityTag.EMPTY_HASH;
            for (byte[] piece : more) {
                h = EntityTag.hash(h, piece, 0, piece.length);
            }
            h = EntityTag.hash(h, added.lastPiece(), 0, added.lastFill());
            return new ListingBody(all, added.lastFill(), added.size(), h);
        }
        Builder builder = new Builder(this);
        for (byte[] piece : more) {
            builder.add(piece, ListingBuffer.PIECE);
        }
        builder.add(added.lastPiece(), added.lastFill());
        return builder.build();
    }

    /** Whether this body begins with all of {@code prefix} (as a body extended from it does). */
    boolean startsWith(ListingBody prefix) {
        if (prefix.length > length) {
            return false;
        }
        int full = prefix.pieces.length - 1;
        for (int i = 0; i < full; i++) {
            if (pieces[i] != prefix.pieces[i]) {
                return false; // not shared: another chain (bytes may match, but a rebuild is cheap)
            }
        }
        return full < 0 || Arrays.equals(pieces[full], 0, prefix.lastLength, prefix.pieces[full], 0, prefix.lastLength);
    }

    /** Passes the body's bytes from {@code from} on to {@code sink}, a piece at a time. */
    void forEachFrom(long from, PieceSink sink) {
        long at = 0;
        for (int i = 0; i < pieces.length; i++) {
            int n = i == pieces.length - 1 ? lastLength : pieces[i].length;
            if (at + n > from) {
                int skip = (int) Math.max(0, from - at);
                sink.accept(pieces[i], skip, n - skip);
            }
            at += n;
        }
    }

    /** Takes bytes of a body: {@code n} bytes of {@code piece} from {@code offset}. */
    @FunctionalInterface
    interface PieceSink {
        void accept(byte[] piece, int offset, int n);
    }

    /**
     * Writes the body to {@code out}, a piece at a time.
     *
     * @throws UncheckedIOException if the stream fails (the client went away)
     */
    void writeTo(OutputStream out) {
        try {
            for (int i = 0; i < pieces.length; i++) {
                int n = i == pieces.length - 1 ? lastLength : pieces[i].length;
                if (n > 0) {
                    out.write(pieces[i], 0, n);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The body as one array (for tests and small answers). */
    byte[] toByteArray() {
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (int i = 0; i < pieces.length; i++) {
            int n = i == pieces.length - 1 ? lastLength : pieces[i].length;
            System.arraycopy(pieces[i], 0, all, at, n);
            at += n;
        }
        return all;
    }

    // A new body: the old one's full pieces shared, its last one copied into a piece of full size.
    private static final class Builder {
        private byte[][] pieces;
        private int count;
        private byte[] last;
        private int fill;
        private long length;
        private long hash;

        Builder(ListingBody from) {
            pieces = Arrays.copyOf(from.pieces, from.pieces.length + 4);
            count = from.pieces.length - 1;
            last = Arrays.copyOf(from.pieces[count], ListingBuffer.PIECE);
            fill = from.lastLength;
            length = from.length;
            hash = from.hash;
        }

        void add(byte[] bytes, int n) {
            hash = EntityTag.hash(hash, bytes, 0, n);
            length += n;
            int at = 0;
            while (at < n) {
                if (fill == last.length) {
                    push();
                    last = new byte[ListingBuffer.PIECE];
                    fill = 0;
                }
                int k = Math.min(n - at, last.length - fill);
                System.arraycopy(bytes, at, last, fill, k);
                fill += k;
                at += k;
            }
        }

        ListingBody build() {
            push();
            return new ListingBody(Arrays.copyOf(pieces, count), fill, length, hash);
        }

        private void push() {
            if (count == pieces.length) {
                pieces = Arrays.copyOf(pieces, pieces.length * 2);
            }
            pieces[count++] = last;
        }
    }
}
