package io.messages.message;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.db.Engine;
import io.messages.testing.OnDatabase;
import io.messages.testing.RawHttp;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static io.messages.testing.TestDatabase.SQLITE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

/** Clients that misbehave at the connection level: slow, vanishing, pipelining. */
@ServerTest
// Connection handling does not depend on the database: SQLite is enough.
@OnDatabase(SQLITE)
class ConnectionAbuseTest {
    private final Engine engine;
    private final int port;

    ConnectionAbuseTest(TestService service, WebServer server) {
        this.engine = service.engine();
        this.port = server.port();
    }

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void slowClientSendingOneByteASecondDoesNotBlockOthers() throws Exception {
        byte[] request = "GET /record?msg=slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            slow.setSoTimeout(10_000);
            OutputStream out = slow.getOutputStream();
            for (int i = 0; i < 3; i++) {
                out.write(request[i]);
                out.flush();
                long started = System.nanoTime();
                RawHttp.Response other = RawHttp.get(port, "/record?msg=other" + i);
                assertThat(other.status(), is(200));
                assertThat("another client waited behind the slow one",
                           TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), lessThan(1000L));
                Thread.sleep(1000);
            }
            out.write(request, 3, request.length - 3);
            out.flush();

            assertThat(readHead(slow.getInputStream()), containsString("200 OK"));
        }
        assertThat(Rows.values(engine).stream().filter(v -> v.equals("slow") || v.startsWith("other")).count(), is(4L));
    }

    @Test
    void clientThatVanishesMidBodyStoresNothing() throws Exception {
        assertVanishingAfterStoresNothing("POST /record HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nmsg=half");
    }

    @Test
    void clientThatVanishesMidRequestLineStoresNothing() throws Exception {
        assertVanishingAfterStoresNothing("GET /record?msg=cut");
    }

    // A client sends part of a request, then closes its connection.
    private void assertVanishingAfterStoresNothing(String part) throws Exception {
        long before = Rows.count(engine);
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(part.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(200);
        }

        assertThat(RawHttp.get(port, "/").status(), is(200));
        assertThat(Rows.count(engine), is(before));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndEachStoredOnce() throws Exception {
        long before = Rows.count(engine);
        String two = "GET /record?msg=first HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "GET /record?msg=second HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(two.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            CompletableFuture<String> both = CompletableFuture.supplyAsync(() -> readUntil(socket, "Recorded: second"));

            String responses = both.get(10, TimeUnit.SECONDS);

            assertThat(responses.indexOf("Recorded: first") < responses.indexOf("Recorded: second"), is(true));
        }
        assertThat(Rows.count(engine), is(before + 2));
    }

    private static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.append((char) b);
        }
        return head.toString();
    }

    private static String readUntil(Socket socket, String text) {
        try {
            InputStream in = socket.getInputStream();
            StringBuilder all = new StringBuilder();
            byte[] buffer = new byte[4096];
            while (!all.toString().contains(text)) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                all.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
            return all.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
