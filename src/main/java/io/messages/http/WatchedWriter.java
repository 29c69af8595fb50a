package io.messages.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * The connection's writer, with each write timed for the send deadline: a write blocks while the
 * client does not read, so one that lasts longer than {@code send-timeout} means the client took
 * nothing for that long, and {@link Connections} ends the connection (the write then fails, and
 * whatever the response held is released). Writes larger than {@link Connections#WRITE_SLICE}
 * go out in slices of that size, so that a slow client that does read is never taken for a
 * stalled one.
 */
final class WatchedWriter implements DataWriter {
    private static final int SLICE = Connections.WRITE_SLICE;

    private final DataWriter writer;
    private final ClientConnection deadlines;

    WatchedWriter(DataWriter writer, ClientConnection deadlines) {
        this.writer = writer;
        this.deadlines = deadlines;
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            sliced(buffer, false);
        }
    }

    @Override
    public void write(BufferData buffer) {
        sliced(buffer, false);
    }

    @Override
    public void writeNow(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            sliced(buffer, true);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        sliced(buffer, true);
    }

    @Override
    public void flush() {
        deadlines.sending();
        try {
            writer.flush();
        } finally {
            deadlines.sent();
        }
    }

    @Override
    public void close() {
        writer.close();
    }

    private void sliced(BufferData buffer, boolean now) {
        if (buffer.available() <= SLICE) {
            timed(buffer, now);
            return;
        }
        while (buffer.available() > 0) {
            byte[] slice = new byte[Math.min(SLICE, buffer.available())];
            buffer.read(slice);
            timed(BufferData.create(slice), now);
        }
    }

    private void timed(BufferData buffer, boolean now) {
        deadlines.sending();
        try {
            if (now) {
                writer.writeNow(buffer);
            } else {
                writer.write(buffer);
            }
        } finally {
            deadlines.sent();
        }
    }
}
