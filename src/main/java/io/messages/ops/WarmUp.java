package io.messages.ops;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.helidon.config.Config;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

/**
 * Warms the service's own hot paths before it says it is ready. A freshly started JVM runs
 * everything interpreted until the JIT compiler has seen it often enough, and Kubernetes sends a
 * new pod its share of traffic the moment it is ready: those first requests paid for it (p99 of
 * the first seconds ~10x the steady one). So, once the server listens, the service sends itself
 * the requests its clients send (the listing as text, paged and JSON, records by query and form,
 * bad input, an unknown path, health and metrics) for up to {@code messages.warm-up.max-duration}
 * or {@code messages.warm-up.requests}, and readiness stays DOWN ({@code warm-up}) until then.
 *
 * <p>Those requests carry a secret made for this run. This filter, the first a request meets,
 * marks each in its request context as a rehearsal ({@link #isRehearsal}). A rehearsal passes by
 * the features {@link #passedBy} wraps (logs, traces, timings), and its transaction is a dry run:
 * rolled back whatever it answers, counted nowhere (Helidon's vendor metrics do count it). A
 * request with any other value of the header is an ordinary request.
 */
public final class WarmUp implements Filter {
    private static final System.Logger LOGGER = System.getLogger(WarmUp.class.getName());
    private static final HeaderName REHEARSAL = HeaderNames.create("X-Messages-Rehearsal");
    private static final int CLIENTS = 16;

    private final boolean enabled;
    private final Duration maxDuration;
    private final int requests;
    private final String secret;
    private volatile boolean done;

    private WarmUp(boolean enabled, Duration maxDuration, int requests) {
        this.enabled = enabled;
        this.maxDuration = maxDuration;
        this.requests = requests;
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        this.secret = HexFormat.of().formatHex(bytes);
    }

    /** The warm-up described by the {@code messages.warm-up} node (defaults: on, 3 s, 20,000 requests). */
    public static WarmUp from(Config warmUp) {
        return new WarmUp(warmUp.get("enabled").asBoolean().orElse(true),
                          warmUp.get("max-duration").as(Duration.class).orElse(Duration.ofSeconds(3)),
                          warmUp.get("requests").asInt().orElse(20_000));
    }

    /** No warm-up: ready at once, and no request is a rehearsal. */
    public static WarmUp off() {
        return new WarmUp(false, Duration.ZERO, 0);
    }

    /** A longer warm-up, for the training run that records the AOT cache. */
    public WarmUp forTraining() {
        return new WarmUp(true, maxDuration.multipliedBy(2), requests * 2);
    }

    /**
     * Whether {@code req} is one of this warm-up's rehearsals, as this filter marked it.
     *
     * @param req a request
     * @return true if it is a rehearsal
     */
    public boolean isRehearsal(ServerRequest req) {
        return enabled && req.context().get(Rehearsal.class).isPresent();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (enabled && req.headers().first(REHEARSAL).filter(secret::equals).isPresent()) {
            req.context().register(new Rehearsal());
        }
        chain.proceed();
    }

    /**
     * {@code feature} for every request but this warm-up's rehearsals, which pass it by: a
     * feature that records what clients do (a log line, a span, a timing).
     *
     * @param feature a filter
     * @return the filter that skips rehearsals
     */
    public Filter passedBy(Filter feature) {
        if (!enabled) {
            return feature; // no rehearsals: nothing to ask per request
        }
        return (chain, req, res) -> {
            if (isRehearsal(req)) {
                chain.proceed();
            } else {
                feature.filter(chain, req, res);
            }
        };
    }

    // The mark of a rehearsal in its request's context.
    private record Rehearsal() {
    }

    /** Readiness: DOWN until the warm-up has run. */
    public HealthCheck readiness() {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return "warm-up";
            }

            @Override
            public HealthCheckResponse call() {
                return HealthCheckResponse.builder().status(done).build();
            }
        };
    }

    /** Whether the warm-up has run (or is off). */
    public boolean done() {
        return done;
    }

    /**
     * Runs the warm-up against the service on 127.0.0.1 ({@code port}, and {@code adminPort} for
     * health and metrics), then lets readiness go UP. Never fails: a warm-up that goes wrong only
     * ends sooner, and the service is ready anyway.
     */
    public void run(int port, int adminPort) {
        if (!enabled) {
            done = true;
            return;
        }
        long started = System.nanoTime();
        long deadline = started + maxDuration.toNanos();
        AtomicInteger sent = new AtomicInteger();
        List<HttpRequest> rehearsals = rehearsals(port, adminPort);
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < CLIENTS; c++) {
                clients.submit(() -> {
                    int n;
                    while ((n = sent.getAndIncrement()) < requests && System.nanoTime() < deadline) {
                        http.send(rehearsals.get(n % rehearsals.size()), HttpResponse.BodyHandlers.discarding());
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            LOGGER.log(System.Logger.Level.WARNING, "messages: the warm-up ended early: " + e.getMessage());
        } finally {
            done = true;
        }
        LOGGER.log(System.Logger.Level.INFO, "messages: warmed up in {0,number,#} ms ({1,number,#} requests); ready",
                   Duration.ofNanos(System.nanoTime() - started).toMillis(), Math.min(sent.get(), requests));
    }

    private List<HttpRequest> rehearsals(int port, int adminPort) {
        String base = "http://127.0.0.1:" + port;
        String admin = "http://127.0.0.1:" + adminPort;
        return List.of(
                rehearsal(base + "/").build(),
                rehearsal(base + "/record?msg=warm-up").build(),
                rehearsal(base + "/?limit=10").build(),
                rehearsal(base + "/").header("Accept", "application/json").build(),
                rehearsal(base + "/record?msg=warm-up").header("Accept", "application/json").build(),
                rehearsal(base + "/").build(),
                rehearsal(base + "/record").header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("msg=warm-up")).build(),
                rehearsal(base + "/record").build(),
                rehearsal(base + "/no-such-path").build(),
                rehearsal(admin + "/observe/health/ready").build(),
                rehearsal(admin + "/observe/metrics").build());
    }

    private HttpRequest.Builder rehearsal(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).header(REHEARSAL.defaultCase(), secret)
                .timeout(Duration.ofSeconds(5));
    }
}
