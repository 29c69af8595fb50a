package io.messages.message;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

import io.messages.http.Connections;

/**
 * Bytes of a listing being read: a growing array, reused from chunk to chunk. Not
 * {@link java.io.ByteArrayOutputStream}, whose every write takes a lock: a third of the
 * service's own time in a large listing went there (JFR, one reader). It writes itself in pieces
 * the connection sends as they are ({@link Connections#WRITE_SLICE}, less room for the chunked
 * encoding's framing): one larger write would be copied again to be cut.
 */
final class ListingBuffer {
    private static final int PIECE = Connections.WRITE_SLICE - 64;

    private byte[] bytes;
    private int size;

    ListingBuffer(int capacity) {
        this.bytes = new byte[capacity];
    }

    void add(byte b) {
        room(1);
        bytes[size++] = b;
    }

    void add(byte[] more) {
        room(more.length);
        System.arraycopy(more, 0, bytes, size, more.length);
        size += more.length;
    }

    int size() {
        return size;
    }

    void reset() {
        size = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    /** Writes what the buffer holds to {@code out}, a piece at a time. */
    void writeInPieces(OutputStream out) throws IOException {
        for (int at = 0; at < size; at += PIECE) {
            out.write(bytes, at, Math.min(PIECE, size - at));
        }
    }

    private void room(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
