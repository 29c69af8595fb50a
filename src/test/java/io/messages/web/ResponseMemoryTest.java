package io.messages.web;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Clients that ask for large responses and stop reading, against a service with a small heap (a
 * child JVM, {@code -Xmx256m}): each would hold its response until {@code send-timeout}, and
 * 240 of them, holding 4 MB pages and listings, are several times the heap. Within the default
 * response-memory budget the service sheds what does not fit (503), serves small requests during
 * the flood, serves the large ones again once the stalled clients are cut off, and never runs
 * out of memory. (With the budget set beyond the heap, the same flood ends in
 * {@code OutOfMemoryError}.)
 */
class ResponseMemoryTest {
    private static final int STALLED = 240;
    private static final int MESSAGES = 1000;
    private static final int MESSAGE_BYTES = 4000;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void clientsThatStopReadingLargeResponsesAreShedInsteadOfRunningTheHeapOut() throws Exception {
        Path db = TestConfig.tempDir().resolve("m.db");
        Path output = Files.createTempFile("response-memory", ".log");
        int port = ChildJvm.freePort();
        int admin = ChildJvm.freePort();
        List<String> command = ChildJvm.command(ChildJvm.Launch.CLASSPATH, "-Xmx256m", "-Dserver.port=" + port,
                                                "-Dserver.sockets.0.port=" + admin,
                                                "-Dserver.shutdown-grace-period=PT0.5S",
                                                "-Dmessages.warm-up.enabled=false",
                                                "-Dmessages.connections.send-timeout=PT10S",
                                                "-Ddb.connection.url=jdbc:sqlite:" + db);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        List<Socket> stalled = new ArrayList<>();
        try {
            assertThat(ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
            fill(db);
            for (int i = 0; i < STALLED; i++) {
                // Every other one a 4 MB text page, the others the 4 MB listing, which streams.
                stalled.add(stall(port, i % 2 == 0 ? "/?limit=" + MESSAGES : "/"));
            }
            // Asked until the stalled responses hold the budget (they arrive over seconds on a
            // loaded machine, and hold it until send-timeout), not after a fixed sleep.
            HttpResponse<String> shed = ChildJvm.awaitStatus(port, "/?limit=" + MESSAGES, 503);
            HttpResponse<String> during = ChildJvm.awaitAnswer(port, "/record?msg=during");
            String metrics = ChildJvm.awaitAnswer(admin, "/observe/metrics").body();

            assertThat(during.statusCode(), is(200));
            assertThat("a large response while the budget is held", shed.statusCode(), is(503));
            assertThat(shed.headers().firstValue("Retry-After").orElse(""), is("1"));
            assertThat(shed.body(), containsString("busy"));
            assertThat(shedTotal(metrics), greaterThan(0.0));

            // The stalled clients are cut off after send-timeout: what they held is free again.
            HttpResponse<String> page = ChildJvm.awaitStatus(port, "/?limit=" + MESSAGES, 200);
            assertThat(page.body().length(), greaterThan(MESSAGES * MESSAGE_BYTES));
            assertThat(ChildJvm.awaitStatus(port, "/", 200).body().length(), greaterThan(MESSAGES * MESSAGE_BYTES));
            assertThat(child.isAlive(), is(true));
            assertThat(Files.readString(output), not(containsString("OutOfMemoryError")));
        } finally {
            for (Socket socket : stalled) {
                socket.close();
            }
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    // MESSAGES messages of MESSAGE_BYTES each, written beside the service as another process would.
    private static void fill(Path db) throws Exception {
        String value = "x".repeat(MESSAGE_BYTES);
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (value) VALUES (?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < MESSAGES; i++) {
                insert.setString(1, value);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    // A client that asks for path and never reads the answer (a small receive window, so that the
    // kernel's buffers take little of it).
    private static Socket stall(int port, String path) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static double shedTotal(String metrics) {
        return metrics.lines()
                .filter(line -> line.startsWith("messages_responses_shed_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
