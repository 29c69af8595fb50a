package io.messages.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.testing.OnDatabase;
import io.messages.testing.RawHttp;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.both;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

/**
 * What one client may hold of the public port, tried as an attacker would: connections that
 * never speak, requests that trickle, bodies that crawl. Every limit is lowered so that the
 * test waits seconds, not minutes; each connection ends within its deadline, and others are
 * served meanwhile.
 */
@ServerTest
// Connection handling does not depend on the database: SQLite is enough.
@OnDatabase(value = SQLITE, config = {
        "messages.connections.max=" + ConnectionLimitsTest.CAP,
        "server.connection-options.read-timeout=PT2S",
        "messages.connections.head-timeout=PT2S",
        "messages.connections.body-min-rate=100"})
class ConnectionLimitsTest {
    static final int CAP = 100; // not private: the class's @OnDatabase reads it

    private final Connections connections;
    private final int port;

    ConnectionLimitsTest(TestService service, WebServer server) {
        this.connections = service.connections();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void thousandsOfSilentConnectionsAreClosedWithinTheReadTimeoutWhileANormalRequestIsAnswered() throws Exception {
        List<Socket> flood = new ArrayList<>();
        try {
            for (int i = 0; i < 2_000; i++) {
                flood.add(new Socket(InetAddress.getLoopbackAddress(), port));
            }
            long asked = System.nanoTime();
            RawHttp.Response during = RawHttp.get(port, "/record?msg=during-the-flood");

            assertThat(during.status(), is(200));
            assertThat("a normal request is answered during the flood", elapsedMillis(asked), lessThan(2_000L));
            assertThat("never more open than the cap (and the few being closed)", connections.open(),
                       lessThanOrEqualTo(CAP + 16));
            long flooded = System.nanoTime();
            for (Socket socket : flood) {
                assertThat("every silent connection is closed by the server", endsWithin(socket, 5_000), is(true));
            }
            assertThat("within the read timeout (2 s) and a sweep", elapsedMillis(flooded), lessThan(4_000L));
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
        }
        assertThat(connections.closed().get("evicted") + connections.closed().get("silent"),
                   greaterThanOrEqualTo(2_000L));
    }

    @Test
    void requestHeadTrickledSoThatItIsNeverSilentIsAnswered408AtTheHeadTimeout() throws Exception {
        byte[] head = "GET /record?msg=trickled HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long started = System.nanoTime();
            String answer = trickle(socket, head, 1, 300);

            assertThat(answer, answer.startsWith("HTTP/1.1 408"), is(true));
            assertThat("not before the head timeout (2 s), not long after", elapsedMillis(started),
                       both(greaterThanOrEqualTo(1_900L)).and(lessThan(3_500L)));
        }
    }

    @Test
    void bodySentBelowTheMinimumRateIsAnswered408() throws Exception {
        String head = "POST /record HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 1000\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            // 10 bytes every 300 ms: 33 bytes a second against a minimum of 100.
            String answer = trickle(socket, ("msg=" + "a".repeat(996)).getBytes(StandardCharsets.US_ASCII), 10, 300);

            assertThat(answer, answer.startsWith("HTTP/1.1 408"), is(true));
            assertThat("after the read timeout plus what the rate allows for what came", elapsedMillis(started),
                       both(greaterThan(2_000L)).and(lessThan(5_000L)));
        }
    }

    @Test
    void newConnectionThatSendsNothingIsClosedWithoutAnAnswerAtTheReadTimeout() throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            long started = System.nanoTime();
            socket.setSoTimeout(10_000);

            assertThat("closed, nothing sent", socket.getInputStream().read(), is(-1));
            assertThat(elapsedMillis(started), both(greaterThanOrEqualTo(1_900L)).and(lessThan(3_500L)));
        }
    }

    // Sends bytes, n at a time with a pause between, until the server answers or closes; returns
    // what it answered. It looks for an answer before each write: a write after the server
    // closed would make it reset the connection, and the answer could be lost.
    private static String trickle(Socket socket, byte[] bytes, int n, long pauseMillis) throws Exception {
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        for (int at = 0; at < bytes.length; at += n) {
            socket.setSoTimeout((int) pauseMillis);
            try {
                int first = in.read();
                if (first >= 0) {
                    socket.setSoTimeout(2_000);
                    return (char) first + new String(in.readNBytes(200), StandardCharsets.US_ASCII);
                }
                return "";
            } catch (SocketTimeoutException e) {
                // nothing yet: the next bytes
            }
            out.write(bytes, at, Math.min(n, bytes.length - at));
            out.flush();
        }
        socket.setSoTimeout(2_000);
        return new String(in.readNBytes(200), StandardCharsets.US_ASCII);
    }

    // Whether the server ends the connection within the wait: end of stream or a reset.
    private static boolean endsWithin(Socket socket, int millis) throws IOException {
        socket.setSoTimeout(millis);
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    private static long elapsedMillis(long since) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
    }
}
