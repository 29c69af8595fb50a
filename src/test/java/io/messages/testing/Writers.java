package io.messages.testing;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Concurrent clients writing unique messages ({@code GET /record}), or reading the listing, until
 * stopped, each noting what was acknowledged (200), refused (503) and anything else, and how long
 * the slowest answer took. Bounded: every client stops after 60 s whatever happens.
 */
public final class Writers implements AutoCloseable {
    private static final Duration AT_MOST = Duration.ofSeconds(60);

    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final Set<String> refused = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final AtomicLong slowestNanos = new AtomicLong();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final List<Future<?>> running = new ArrayList<>();

    private Writers() {
    }

    /**
     * Starts {@code count} writers on {@code port}, each pausing {@code pause} between writes;
     * {@code message(writer, i)} makes the i-th message of a writer.
     */
    public static Writers start(int port, int count, Duration pause, MessageMaker message) {
        return start(port, count, pause, message, Fetcher.KEEP_ALIVE);
    }

    /** Like {@link #start(int, int, Duration, MessageMaker)}, each request sent through {@code fetcher}. */
    public static Writers start(int port, int count, Duration pause, MessageMaker message, Fetcher fetcher) {
        return run(port, count, pause, (writer, i) -> "/record?msg=" + message.make(writer, i), fetcher);
    }

    /** Starts {@code count} readers of {@code GET /} on {@code port}; acknowledged holds one entry per answer. */
    public static Writers readers(int port, int count, Duration pause) {
        return readers(port, count, pause, Fetcher.KEEP_ALIVE);
    }

    /** Like {@link #readers(int, int, Duration)}, each request sent through {@code fetcher}. */
    public static Writers readers(int port, int count, Duration pause, Fetcher fetcher) {
        return run(port, count, pause, (reader, i) -> "/", fetcher);
    }

    /** How a client sends a GET and gets its status. */
    @FunctionalInterface
    public interface Fetcher {
        /** Java's HTTP client: keep-alive connections, and its own retry of a GET whose connection closed. */
        Fetcher KEEP_ALIVE = (port, target) -> Http.get(port, target).statusCode();
        /** A new connection for every request, closed after it, and no retry: a plain client. */
        Fetcher FRESH_CONNECTION = (port, target) -> RawHttp.get(port, target).status();

        /** The status of {@code GET target} on {@code port}; UncheckedIOException when no answer came. */
        int get(int port, String target);
    }

    private static Writers run(int port, int count, Duration pause, MessageMaker path, Fetcher fetcher) {
        Writers writers = new Writers();
        long deadline = System.nanoTime() + AT_MOST.toNanos();
        for (int w = 0; w < count; w++) {
            int writer = w;
            writers.running.add(writers.threads.submit(() -> {
                for (int i = 0; writers.writing.get() && System.nanoTime() < deadline; i++) {
                    String target = path.make(writer, i);
                    String msg = target.startsWith("/record?msg=") ? target.substring("/record?msg=".length())
                            : writer + "-" + i;
                    long started = System.nanoTime();
                    int status;
                    try {
                        status = fetcher.get(port, target);
                    } catch (UncheckedIOException e) {
                        writers.unexpected.add("no answer: " + e.getCause());
                        Thread.sleep(Math.max(10, pause.toMillis()));
                        continue;
                    } finally {
                        writers.slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
                    }
                    switch (status) {
                        case 200 -> writers.acknowledged.add(msg);
                        case 503 -> writers.refused.add(msg);
                        default -> writers.unexpected.add(status + " for " + target);
                    }
                    Thread.sleep(pause);
                }
                return null;
            }));
        }
        return writers;
    }

    /** Makes the i-th message of a writer. */
    @FunctionalInterface
    public interface MessageMaker {
        String make(int writer, int i);
    }

    /** Waits until {@code done} is true (checked every 10 ms), at most {@code wait}; returns whether it became true. */
    public static boolean await(BooleanSupplier done, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    public Set<String> acknowledged() {
        return acknowledged;
    }

    public Set<String> refused() {
        return refused;
    }

    /** How long the slowest answer took. */
    public Duration slowest() {
        return Duration.ofNanos(slowestNanos.get());
    }

    /** Answers that were neither 200 nor 503, with their bodies, and requests that got no answer. */
    public List<String> unexpected() {
        return List.copyOf(unexpected);
    }

    /** Stops every writer and waits for its last request to be answered. */
    public void stop() {
        writing.set(false);
        try {
            for (Future<?> writer : running) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the writers stopped", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("a writer did not stop cleanly", e);
        } finally {
            threads.shutdownNow();
        }
    }

    /** {@link #stop()}: a block that started writers stops them however it ends. */
    @Override
    public void close() {
        stop();
    }
}
