package io.messages.listing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

import io.messages.web.EntityTag;

import org.jspecify.annotations.Nullable;

/**
 * The kept listing's gzip form (RFC 1952), made once per version and extended with it: a gzip
 * {@code GET /} of a kept listing costs no compression. One deflate stream follows the kept
 * listing as it grows; after each version's bytes it is flushed to a byte boundary (a sync
 * flush), so that the compressed bytes so far, an empty final block and the trailer (CRC-32 and
 * length so far) are that version's whole gzip form, and the next version only compresses what
 * was added. A listing read again (not extended from the last one compressed) starts a new stream.
 * Made by the first gzip reader of a version, the others use it; what it holds (the compressed
 * bytes, about a fifth of the listing, and the deflater's ~256 KiB) counts in the kept listing's
 * budget.
 */
final class ListingGzip {
    private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};
    // An empty final block with fixed Huffman codes: BFINAL=1, BTYPE=01, end-of-block, padded.
    private static final byte[] LAST_BLOCK = {3, 0};
    private static final int DEFLATER_BYTES = 256 * 1024;

    /**
     * One version's gzip form.
     *
     * @param of         the listing it compresses
     * @param compressed the deflate stream up to that listing's end, flushed
     * @param crc        CRC-32 of the listing
     * @param etag       its strong entity tag: the listing's, marked as the gzip form
     */
    record Form(ListingBody of, ListingBody compressed, long crc, String etag) {
        /** Its size in bytes, as sent. */
        long size() {
            return HEADER.length + compressed.length() + LAST_BLOCK.length + 8;
        }

        /** What it holds beside the listing itself. */
        long held() {
            return compressed.length() + DEFLATER_BYTES;
        }

        void writeTo(OutputStream out) {
            try {
                out.write(HEADER);
                compressed.writeTo(out);
                long length = of.length();
                out.write(new byte[] {LAST_BLOCK[0], LAST_BLOCK[1],
                    (byte) crc, (byte) (crc >>> 8), (byte) (crc >>> 16), (byte) (crc >>> 24),
                    (byte) length, (byte) (length >>> 8), (byte) (length >>> 16), (byte) (length >>> 24)});
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
    private final CRC32 crc = new CRC32();
    private final byte[] out = new byte[ListingBuffer.PIECE];
    private volatile @Nullable Form last;

    /**
     * The gzip form of {@code body}: the one made already, or one made now by extending the last
     * (or starting anew); empty when it would take the listing over {@code budget}.
     */
    @Nullable Form of(ListingBody body, String etag, long budget) {
        Form known = last;
        if (known != null && known.of() == body) {
            return known;
        }
        synchronized (this) {
            known = last;
            if (known != null && known.of() == body) {
                return known;
            }
            ListingBody compressed;
            long from;
            if (known != null && body.startsWith(known.of())) {
                compressed = known.compressed();
                from = known.of().length();
            } else {
                deflater.reset();
                crc.reset();
                compressed = ListingBody.EMPTY;
                from = 0;
            }
            ListingBuffer added = new ListingBuffer(ListingBuffer.PIECE);
            body.forEachFrom(from, (piece, offset, n) -> {
                crc.update(piece, offset, n);
                deflater.setInput(piece, offset, n);
                while (!deflater.needsInput()) {
                    drain(added, Deflater.NO_FLUSH);
                }
            });
            int n;
            do {
                n = drain(added, Deflater.SYNC_FLUSH);
            } while (n == out.length);
            Form made = new Form(body, compressed.extendedBy(added), crc.getValue(), EntityTag.gzip(etag));
            if (body.length() + made.held() > budget) {
                // Over the budget with it: identity only, and nothing of it kept.
                last = null;
                deflater.reset();
                return null;
            }
            last = made;
            return made;
        }
    }

    private int drain(ListingBuffer into, int flush) {
        int n = deflater.deflate(out, 0, out.length, flush);
        into.add(out, 0, n);
        return n;
    }
}
