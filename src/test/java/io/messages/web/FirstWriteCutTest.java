package io.messages.web;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * A shared body's first write reaches Helidon as a few bytes (which it copies behind the
 * headers) and the rest as it is; every byte arrives, in order. The bodies on the wire are
 * checked by the listing suites (kept listings of 300,000 messages).
 */
class FirstWriteCutTest {

    @Test
    void aLargeFirstWriteGoesAsAFewBytesThenTheRestAndLaterWritesGoWhole() throws Exception {
        Recording recording = new Recording();
        byte[] body = bytes(40_000);
        try (OutputStream out = new ResponseMemory.FirstWriteCut(recording)) {
            out.write(body, 0, 30_000);
            out.write(body, 30_000, 10_000);
        }
        assertThat(recording.writes, contains(ResponseMemory.FIRST_WRITE, 30_000 - ResponseMemory.FIRST_WRITE, 10_000));
        assertThat(recording.bytes.toByteArray(), is(body));
    }

    @Test
    void aFirstWriteOfOneWriteOrLessGoesWhole() throws Exception {
        Recording recording = new Recording();
        byte[] body = bytes(ResponseMemory.ONE_WRITE + 20_000);
        try (OutputStream out = new ResponseMemory.FirstWriteCut(recording)) {
            out.write(body, 0, ResponseMemory.ONE_WRITE);
            out.write(body, ResponseMemory.ONE_WRITE, 20_000);
        }
        assertThat(recording.writes, contains(ResponseMemory.ONE_WRITE, 20_000));
        assertThat(recording.bytes.toByteArray(), is(body));
    }

    private static byte[] bytes(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31);
        }
        return bytes;
    }

    // What reached the stream below, write by write.
    private static final class Recording extends OutputStream {
        private final List<Integer> writes = new ArrayList<>();
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void write(int b) {
            writes.add(1);
            bytes.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            writes.add(len);
            bytes.write(b, off, len);
        }
    }
}
