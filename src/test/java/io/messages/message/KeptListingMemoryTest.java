package io.messages.message;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

import io.messages.testing.ChildJvm;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The kept listing's budget under a small heap (a child JVM, {@code -Xmx160m}: the budget is 20
 * MiB): a listing of 11 MB kept with its gzip form, 48 readers at once, half of them taking gzip,
 * while messages are added (each version extended, its gzip form too) and 24 clients ask for it
 * and never read. Every reader gets the listing byte for byte, nothing is streamed (it stays kept),
 * and the heap is never run out.
 */
class KeptListingMemoryTest {
    private static final int MESSAGES = 200_000;
    private static final String PADDING = "-".repeat(48);
    private static final int READERS = 48;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void manyReadersOfABigKeptListingGzipAndIdentityAtOnceStayWithinTheHeap() throws Exception {
        Path db = TestConfig.tempDir().resolve("m.db");
        Path output = Files.createTempFile("kept-listing-memory", ".log");
        int port = ChildJvm.freePort();
        int admin = ChildJvm.freePort();
        List<String> command = ChildJvm.command(ChildJvm.Launch.CLASSPATH, "-Xmx160m", "-Dserver.port=" + port,
                                                "-Dserver.sockets.0.port=" + admin,
                                                "-Dserver.shutdown-grace-period=PT0.5S",
                                                "-Dmessages.warm-up.enabled=false",
                                                "-Ddb.connection.url=jdbc:sqlite:" + db);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<Socket> stalled = new ArrayList<>();
        ExecutorService readers = Executors.newFixedThreadPool(READERS);
        try {
            assertThat(ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
            fill(db);
            for (int i = 0; i < 24; i++) {
                stalled.add(stall(port, i % 2 == 0 ? "gzip" : "identity"));
            }
            for (int round = 0; round < 3; round++) {
                String truth = http.send(get(port, "identity"), HttpResponse.BodyHandlers.ofString()).body();
                List<Future<String>> lists = new ArrayList<>();
                for (int i = 0; i < READERS; i++) {
                    boolean gzip = i % 2 == 0;
                    lists.add(readers.submit(() -> read(http, port, gzip)));
                }
                for (Future<String> list : lists) {
                    String got = list.get(2, TimeUnit.MINUTES);
                    assertThat("round " + round + ": " + (got.length() < 200 ? got : got.length() + " characters, not "
                            + truth.length()), got.equals(truth), is(true));
                }
                assertThat(truth.length() > 10_000_000, is(true));
                // A new version: the kept listing and its gzip form are extended by it.
                assertThat(ChildJvm.awaitAnswer(port, "/record?msg=round-" + round).statusCode(), is(200));
            }
            String metrics = ChildJvm.awaitAnswer(admin, "/observe/metrics").body();

            assertThat("kept, never streamed", count(metrics, "messages_listings_total", "source=\"streamed\""), is(0.0));
            assertThat(child.isAlive(), is(true));
            assertThat(Files.readString(output), not(containsString("OutOfMemoryError")));
        } finally {
            readers.shutdownNow();
            for (Socket socket : stalled) {
                socket.close();
            }
            child.destroy();
            if (!child.waitFor(10, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    private static String read(HttpClient http, int port, boolean gzip) throws Exception {
        HttpResponse<byte[]> res = http.send(get(port, gzip ? "gzip" : "identity"), HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != 200) {
            return "status " + res.statusCode();
        }
        boolean encoded = res.headers().firstValue("Content-Encoding").orElse("").equals("gzip");
        if (encoded != gzip) {
            return "Content-Encoding " + res.headers().firstValue("Content-Encoding");
        }
        if (!gzip) {
            return new String(res.body(), StandardCharsets.UTF_8);
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(res.body()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static HttpRequest get(int port, String encoding) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("Accept-Encoding", encoding).timeout(java.time.Duration.ofMinutes(1)).build();
    }

    private static void fill(Path db) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + db);
             PreparedStatement insert = connection.prepareStatement("INSERT INTO messages (value) VALUES (?)")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < MESSAGES; i++) {
                insert.setString(1, i + PADDING);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
        }
    }

    // A client that asks for the listing and never reads the answer.
    private static Socket stall(int port, String encoding) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET / HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: " + encoding + "\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    private static double count(String metrics, String name, String label) {
        return metrics.lines()
                .filter(line -> line.startsWith(name) && line.contains(label))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
