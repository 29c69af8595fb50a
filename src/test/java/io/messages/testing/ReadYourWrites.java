package io.messages.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Read-your-writes under load: writers record unique messages while readers list, and each
 * reader notes every message acknowledged before its listing began that the listing lacks.
 */
public final class ReadYourWrites {
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private ReadYourWrites() {
    }

    /**
     * What the run found.
     *
     * @param acknowledged messages answered 200
     * @param missed       acknowledged before a listing began, but not in it
     */
    public record Outcome(Set<String> acknowledged, List<String> missed) {
    }

    /**
     * Runs {@code writers} writers and {@code readers} readers against {@code port}, {@code each}
     * requests each, beside {@code others} (more clients, e.g. another writer of the database,
     * which run until the writers are done and should then stop by themselves).
     */
    public static Outcome run(int port, int writers, int readers, int each, Callable<?>... others) throws Exception {
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        ConcurrentLinkedQueue<String> missed = new ConcurrentLinkedQueue<>();
        List<Future<?>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String msg = "w" + writer + "-" + i;
                        if (get(port, "/record?msg=" + msg).statusCode() == 200) {
                            acknowledged.add(msg);
                        }
                    }
                    return null;
                }));
            }
            for (int r = 0; r < readers; r++) {
                clients.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        Set<String> before = Set.copyOf(acknowledged);
                        Set<String> listed = Set.of(get(port, "/").body().split("\n|: ", -1));
                        before.stream().filter(m -> !listed.contains(m)).forEach(missed::add);
                    }
                    return null;
                }));
            }
            for (Callable<?> other : others) {
                clients.add(pool.submit(other));
            }
            for (Future<?> client : clients) {
                client.get(120, TimeUnit.SECONDS);
            }
        }
        return new Outcome(Set.copyOf(acknowledged), List.copyOf(missed));
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                         HttpResponse.BodyHandlers.ofString());
    }
}
