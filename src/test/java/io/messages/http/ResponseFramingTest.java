package io.messages.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The responses as Helidon writes them (HTTP/1.1, chunked when streamed), cut at every byte, as
 * an HTTP/1.0 client or a {@code HEAD} needs them on the wire.
 */
class ResponseFramingTest {
    private static final String CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
            + "Connection: keep-alive\r\n\r\n5\r\nHello\r\n7;ext=1\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    private static final String LENGTH = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nHello";

    @Test
    void http10GetsAChunkedBodyDechunkedAndTheConnectionEndsWithIt() {
        for (int cut = 0; cut <= CHUNKED.length(); cut++) {
            Written out = new Written();
            ResponseFraming framing = new ResponseFraming(out);
            framing.expect(new RequestFraming.Exchange(true, false, true));

            write(framing, CHUNKED, cut);

            assertThat("cut at " + cut, out.text(),
                       is("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nHello, world"));
            assertThat(framing.closeAfter(), is(true));
        }
    }

    @Test
    void http10KeepAliveWithALengthIsSaidSoAndStaysOpen() {
        for (int cut = 0; cut <= LENGTH.length(); cut++) {
            Written out = new Written();
            ResponseFraming framing = new ResponseFraming(out);
            framing.expect(new RequestFraming.Exchange(true, false, true));

            write(framing, LENGTH, cut);

            assertThat(out.text(), is("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nHello"));
            assertThat(framing.closeAfter(), is(false));
        }
    }

    @Test
    void headGetsTheHeadAloneWhateverTheHandlerWrote() {
        for (int cut = 0; cut <= CHUNKED.length(); cut++) {
            Written out = new Written();
            ResponseFraming framing = new ResponseFraming(out);
            framing.expect(new RequestFraming.Exchange(false, true, true));

            write(framing, CHUNKED, cut);

            assertThat(out.text(), is(CHUNKED.substring(0, CHUNKED.indexOf("\r\n\r\n") + 4)));
        }
    }

    @Test
    void http11ResponsesPassUntouchedAndTheNextResponseIsShapedByItsOwnRequest() {
        Written out = new Written();
        ResponseFraming framing = new ResponseFraming(out);
        framing.expect(new RequestFraming.Exchange(false, true, true));
        write(framing, LENGTH, 3);
        framing.expect(new RequestFraming.Exchange(false, false, true));

        write(framing, CHUNKED, 10);

        assertThat(out.text(), is("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n" + CHUNKED));
    }

    private static void write(ResponseFraming framing, String response, int cut) {
        byte[] bytes = response.getBytes(StandardCharsets.US_ASCII);
        framing.write(BufferData.create(bytes, 0, cut));
        framing.write(BufferData.create(bytes, cut, bytes.length - cut));
    }

    private static final class Written implements DataWriter {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        String text() {
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void write(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                write(buffer);
            }
        }

        @Override
        public void write(BufferData buffer) {
            byte[] data = new byte[buffer.available()];
            buffer.read(data);
            bytes.writeBytes(data);
        }

        @Override
        public void writeNow(BufferData... buffers) {
            write(buffers);
        }

        @Override
        public void writeNow(BufferData buffer) {
            write(buffer);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
