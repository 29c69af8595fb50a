package io.messages.ops;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import io.helidon.config.Config;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.messages.http.ClientAddress;
import io.messages.http.RequestId;

/**
 * One line per request to the public port on stdout, in the common log format plus the time taken
 * in microseconds and the request's id ({@code %h %l %u %t "%r" %s %b %D id}):
 * <pre>127.0.0.1 - - [25/Nov/2026:14:29:19 +0000] "GET /record?msg=a HTTP/1.1" 200 11 912 4bf92f3577b34da6a3ce929d0e0e4736</pre>
 * (the body's size is {@code -} for a streamed listing, whose length is not known in advance).
 * {@code %h} is the client ({@link ClientAddress}: the peer, or who a trusted proxy forwarded),
 * the id {@link RequestId}'s. Helidon's own access-log feature was measured slower and drops the
 * query string (docs/operations.md#access-log), so this filter writes the format itself.
 *
 * <p>Off the request's path: a request only queues its line; one thread writes the lines, many
 * at a time, to stdout. Logging each line through JUL on the request threads cost 4/5 of
 * {@code GET /}'s throughput at 64 connections (every record formatted with {@code String.format}
 * and flushed under the console handler's lock). If the queue is full (the log cannot keep up),
 * the line is dropped and counted in {@code messages_access_log_dropped_total}: a request is
 * never slowed down for its log line.
 * {@code messages.access-log.enabled: true} turns it on.
 */
public final class AccessLog implements Filter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT)
            .withZone(ZoneId.systemDefault());
    private static final int QUEUE = 16_384;
    private static final int BATCH = 512;

    private final BlockingQueue<String> lines = new ArrayBlockingQueue<>(QUEUE);
    private final Counter dropped = Services.get(MeterRegistry.class).getOrCreate(
            Counter.builder("messages.access.log.dropped")
                    .description("Access log lines dropped because the log could not keep up"));
    private final PrintStream out;
    private volatile Timestamp lastTimestamp = new Timestamp(-1, "");
    private final Thread writer;

    // out: where the lines go (System.out as it is when the service starts).
    private AccessLog(PrintStream out) {
        this.out = out;
        this.writer = Thread.ofPlatform().daemon().name("messages-access-log").start(this::write);
    }

    /**
     * The access log as configured by the {@code messages.access-log} node, if it is enabled.
     *
     * @param accessLog the {@code messages.access-log} node
     * @return the filter to add to the routing, or empty when it is off (nothing on a request's path)
     */
    public static Optional<Filter> from(Config accessLog) {
        return accessLog.get("enabled").asBoolean().orElse(false) ? Optional.of(new AccessLog(System.out)) : Optional.empty();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long start = System.nanoTime();
        long received = System.currentTimeMillis() / 1000;
        res.whenSent(() -> {
            String query = req.query().rawValue();
            String line = ClientAddress.of(req).address() + " - - [" + timestamp(received) + "] \""
                    + req.prologue().method().text() + " " + req.prologue().uriPath().rawPath()
                    + (query.isEmpty() ? "" : "?" + query) + " " + req.prologue().rawProtocol() + "\" "
                    + res.status().code() + " "
                    + res.headers().contentLength().stream().mapToObj(Long::toString).findFirst().orElse("-") + " "
                    + (System.nanoTime() - start) / 1000 + " " + RequestId.of(res);
            if (!lines.offer(line)) {
                dropped.increment();
            }
        });
        chain.proceed();
    }

    // %t has a resolution of a second: formatted once a second, not once a request.
    private String timestamp(long second) {
        Timestamp last = lastTimestamp;
        if (last.second() != second) {
            last = new Timestamp(second, TIME.format(Instant.ofEpochSecond(second)));
            lastTimestamp = last;
        }
        return last.text();
    }

    private record Timestamp(long second, String text) {
    }

    @Override
    public void afterStop() {
        writer.interrupt();
        List<String> batch = new ArrayList<>();
        while (!lines.isEmpty()) {
            drainTo(batch);
        }
    }

    private void write() {
        List<String> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                batch.add(lines.take());
            } catch (InterruptedException e) {
                return;
            }
            drainTo(batch);
        }
    }

    // Whole lines in one write: the stream's lock keeps them apart from other output.
    private void drainTo(List<String> batch) {
        lines.drainTo(batch, BATCH - batch.size());
        StringBuilder text = new StringBuilder(batch.size() * 120);
        batch.forEach(line -> text.append(line).append('\n'));
        out.print(text);
        out.flush();
        batch.clear();
    }
}
