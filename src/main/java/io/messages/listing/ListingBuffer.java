package io.messages.listing;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import io.messages.web.ResponseMemory;

/**
 * Bytes of a listing being read, in pieces of {@link #PIECE} bytes: what the connection sends as
 * it is ({@link ResponseMemory#SENDING}, less room for the chunked encoding's framing), so that a
 * listing is never copied to be cut, and a listing read whole becomes a {@link ListingBody}
 * without a copy. Not {@link java.io.ByteArrayOutputStream}, whose every write takes a lock: a
 * third of the service's own time in a large listing went there (JFR, one reader).
 */
final class ListingBuffer {
    static final int PIECE = ResponseMemory.PIECE;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] current;
    private int fill;

    ListingBuffer(int capacity) {
        this.current = new byte[Math.min(Math.max(capacity, 16), PIECE)];
    }

    void add(byte b) {
        if (fill == current.length) {
            room();
        }
        current[fill++] = b;
    }

    void add(byte[] more) {
        add(more, 0, more.length);
    }

    void add(byte[] more, int from, int length) {
        int at = from;
        while (at < from + length) {
            if (fill == current.length) {
                room();
            }
            int n = Math.min(from + length - at, current.length - fill);
            System.arraycopy(more, at, current, fill, n);
            fill += n;
            at += n;
        }
    }

    long size() {
        return (long) full.size() * PIECE + fill;
    }

    void reset() {
        full.clear();
        fill = 0;
    }

    /** What the buffer holds, as a body of its own (the buffer is not used again). */
    ListingBody body() {
        return ListingBody.EMPTY.extendedBy(this);
    }

    /** Writes what the buffer holds to {@code out}, a piece at a time. */
    void writeInPieces(OutputStream out) throws IOException {
        for (byte[] piece : full) {
            out.write(piece, 0, PIECE);
        }
        if (fill > 0) {
            out.write(current, 0, fill);
        }
    }

    // For ListingBody: the full pieces, then the last one and how much of it is filled.
    List<byte[]> fullPieces() {
        return full;
    }

    byte[] lastPiece() {
        return current;
    }

    int lastFill() {
        return fill;
    }

    // The current piece is full (or was allocated small): the next one, of PIECE bytes.
    private void room() {
        if (current.length < PIECE) {
            byte[] larger = new byte[Math.min(PIECE, Math.max(current.length * 4, fill + 1))];
            System.arraycopy(current, 0, larger, 0, fill);
            current = larger;
            return;
        }
        full.add(current);
        current = new byte[PIECE];
        fill = 0;
    }
}
