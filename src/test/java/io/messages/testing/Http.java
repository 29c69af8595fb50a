package io.messages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

/** Plain GETs to 127.0.0.1 with a bound on how long an answer may take: no test hangs on one. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(15);

    private Http() {
    }

    /** The messages {@code GET /} lists on {@code port}, as a set. */
    public static Set<String> listedMessages(int port) {
        String body = get(port, "/").body();
        String prefix = "Here are your list of messages: ";
        if (!body.startsWith(prefix)) {
            throw new IllegalStateException("not a listing: " + body);
        }
        return body.length() == prefix.length() ? Set.of() : new HashSet<>(List.of(body.substring(prefix.length()).split("\n")));
    }

    /** {@code n} of {@code GET path} on {@code port} sent at once, a thread each; their answers. */
    public static List<HttpResponse<String>> getAtOnce(int port, String path, int n) {
        try (ExecutorService clients = Executors.newFixedThreadPool(n)) {
            List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, n)
                    .mapToObj(i -> CompletableFuture.supplyAsync(() -> get(port, path), clients)).toList();
            return answers.stream().map(CompletableFuture::join).toList();
        }
    }

    /** {@code GET path} on {@code port}; fails if no answer comes within 15 s. */
    public static HttpResponse<String> get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(ANSWER_WITHIN).build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to GET " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
