package io.messages.message;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.http.Connections;
import io.messages.testing.RawHttp;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/**
 * Clients that ask for a listing larger than the socket buffers and then stop reading: many
 * more of them than the pool has connections. They hold no pooled connection while they stall
 * (the listing is read in short transactions between its writes), so writes and small reads
 * keep answering; and each is abandoned once its response made no progress for the send timeout.
 * On a server set up as production's ({@code @ServerTest}), on every database (a subclass each).
 */
@ServerTest
abstract class StalledReadersTest {
    /** The config of the suite's server ({@code @OnDatabase}): a send timeout short enough to wait for. */
    static final String SEND_TIMEOUT = "messages.connections.send-timeout=PT3S";

    private static final int MESSAGES = 80_000; // 100 bytes each: an 8 MB listing
    private static final int STALLED = 24;      // three times the pool (8)

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void readersThatStopReadingHoldNothingSharedAndAreClosedAfterTheSendTimeout(TestService service, WebServer server)
            throws Exception {
        int port = server.port();
        Connections connections = service.connections();
        fill(service);
        List<Socket> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < STALLED; i++) {
                stalled.add(stallInListing(port));
            }
            long started = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                long asked = System.nanoTime();
                assertThat(RawHttp.get(port, "/record?msg=beside-" + i).status(), is(200));
                assertThat(RawHttp.get(port, "/?limit=10").status(), is(200));
                assertThat("a write and a small read answer at once", millisSince(asked), lessThan(1_000L));
            }
            assertThat("all of that while the readers were stalled", millisSince(started), lessThan(3_000L));

            // Past the send timeout (3 s) and a sweep, the server gives up on every one of them;
            // only then read on: reading sooner would let the response make progress again.
            assertThat("given up on within the send timeout and a sweep",
                       Writers.await(() -> connections.closed().get("send-stalled") >= STALLED, Duration.ofSeconds(10)),
                       is(true));
            for (Socket socket : stalled) {
                assertThat("a stalled reader is abandoned", abandonedWithin(socket, 8_000), is(true));
            }
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
        }
        assertThat(connections.closed().get("send-stalled"), greaterThanOrEqualTo((long) STALLED));
    }

    private static void fill(TestService service) {
        String insert = service.database() == TestDatabase.SQLITE
                ? "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < " + MESSAGES + ") "
                        + "INSERT INTO messages (value) SELECT printf('%0100d', x) FROM n"
                : "INSERT INTO messages (value) SELECT lpad(x::text, 100, '0') FROM generate_series(1, " + MESSAGES + ") x";
        service.engine().client().execute().dml(insert);
    }

    // Asks for the listing on a connection with a small receive buffer, reads 2 KB of it and stops.
    private static Socket stallInListing(int port) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(10_000);
        byte[] first = socket.getInputStream().readNBytes(2048);
        assertThat(new String(first, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"), is(true));
        return socket;
    }

    // Whether the server gives up on the response within the wait: reading on, the stream ends
    // (or is reset) before the whole listing came.
    private static boolean abandonedWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[64 * 1024];
        long read = 0;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                read += n;
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
        return read < (long) MESSAGES * 100;
    }

    private static long millisSince(long started) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }
}
