package io.messages.app;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.SqliteFile;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;

/**
 * SIGTERM under load, on the packaged jar started as a child process: every request either gets
 * its whole response or is refused before it is accepted, the process exits 0, and every
 * acknowledged message is in the database afterwards.
 */
class GracefulShutdownIT {
    private static final int WRITERS = 16;

    @Test
    void sigtermUnderConcurrentWritesLosesNothingAndCutsNoRequest() throws Exception {
        Path db = TestConfig.tempDir().resolve("messages.db");
        int port = ChildJvm.freePort();
        Path log = Files.createTempFile("messages-shutdown", ".log");
        Process process = new ProcessBuilder(ChildJvm.command(ChildJvm.Launch.JAR,
                                                              "-Dserver.port=" + port,
                                                              "-Dserver.sockets.0.port=" + ChildJvm.freePort(),
                                                              "-Ddb.connection.url=jdbc:sqlite:" + db))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> cut = new ConcurrentLinkedQueue<>();
        try {
            ChildJvm.awaitAnswer(port, "/");
            CountDownLatch warmedUp = new CountDownLatch(WRITERS);
            List<Future<?>> writers = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int w = 0; w < WRITERS; w++) {
                    int writer = w;
                    writers.add(pool.submit(() -> write(port, writer, warmedUp, acknowledged, cut)));
                }
                warmedUp.await(30, TimeUnit.SECONDS);
                Thread.sleep(300);
                process.destroy(); // SIGTERM
                for (Future<?> writer : writers) {
                    writer.get(60, TimeUnit.SECONDS);
                }
            }
            assertThat("the process exits by itself", process.waitFor(30, TimeUnit.SECONDS), is(true));
        } finally {
            process.destroyForcibly();
        }

        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(output, process.exitValue(), is(0));
        assertThat(output, containsString("messages: stopped in"));
        assertThat("requests cut after they were accepted", List.copyOf(cut), is(empty()));
        assertThat(acknowledged.size(), greaterThan(WRITERS));
        assertThat(SqliteFile.integrityCheck(db), is("ok"));
        Set<String> stored = SqliteFile.values(db);
        assertThat("acknowledged messages missing", acknowledged.stream().filter(m -> !stored.contains(m)).toList(),
                   is(empty()));
    }

    // Writes until the server refuses the connection; a request that fails any other way was cut.
    private static Void write(int port, int writer, CountDownLatch warmedUp, ConcurrentLinkedQueue<String> acknowledged,
                              ConcurrentLinkedQueue<String> cut) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (int i = 0; i < 100_000; i++) {
            String msg = "w" + writer + "-" + i;
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/record?msg=" + msg))
                    .timeout(Duration.ofSeconds(20))
                    .build();
            try {
                HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (res.statusCode() == 200 && res.body().equals("Recorded: " + msg)) {
                    acknowledged.add(msg);
                } else {
                    cut.add(msg + ": " + res.statusCode() + " " + res.body());
                }
            } catch (ConnectException refused) {
                return null;
            } catch (IOException e) {
                cut.add(msg + ": " + e);
                return null;
            }
            if (i == 10) {
                warmedUp.countDown();
            }
        }
        return null;
    }
}
