package io.messages.db;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.messages.testing.Rows;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

/**
 * 64 concurrent writers: every write answered 2xx and stored, no SQLITE_BUSY, on every database
 * (a subclass each), on a server set up as production's ({@code @ServerTest}).
 */
@ServerTest
abstract class ConcurrentWritesTest {
    private static final int WRITERS = 64;
    private static final int WRITES_EACH = 50;

    @SetUpRoute
    static void routing(TestService service, HttpRouting.Builder routing) {
        service.routing(routing);
    }

    @Test
    void sixtyFourConcurrentWritersAllSucceedAndEveryWriteIsStored(TestService service, URI uri) throws Exception {
        Engine engine = service.engine();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Future<?>> writers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < WRITES_EACH; i++) {
                        String msg = "w" + writer + "-" + i;
                        HttpRequest req = HttpRequest.newBuilder(uri.resolve("/record?msg=" + msg)).build();
                        HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
                        if (res.statusCode() != 200 || !res.body().equals("Recorded: " + msg)) {
                            failures.add(msg + " -> " + res.statusCode() + " " + res.body());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(120, TimeUnit.SECONDS);
            }
        }

        assertThat(List.copyOf(failures), is(empty()));
        assertThat(Rows.count(engine), is((long) WRITERS * WRITES_EACH));
        assertThat(new HashSet<>(Rows.values(engine)).size(), is(WRITERS * WRITES_EACH));
    }
}
