package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import io.helidon.config.Config;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Cross-origin requests from browsers (the Fetch standard's CORS protocol), as Ktor's {@code CORS}
 * plugin answers them, from {@code messages.cors}: off unless {@code allowed-origins} lists some.
 * A preflight ({@code OPTIONS} with {@code Access-Control-Request-Method}) from a listed origin,
 * for a listed method and headers, is answered {@code 204} with what it may do; any other
 * request from a listed origin is served with {@code Access-Control-Allow-Origin} naming it. A
 * request whose {@code Origin} is not listed, or a preflight asking for more than is allowed, is
 * refused with {@code 403} before any route runs, so a page of another origin cannot make a
 * browser record a message either. Requests without {@code Origin} (not from a browser's other
 * origin) are untouched. No credentials: the service has no cookies or authentication.
 */
public final class Cors implements Filter {
    private static final Header VARY = HeaderValues.create(HeaderNames.VARY, "Origin");

    private final Set<String> origins;
    private final Set<String> methods;
    private final Set<String> headers;
    private final Header allowMethods;
    private final Header allowHeaders;
    private final Header maxAge;
    private final Header expose;

    private Cors(Set<String> origins, List<String> methods, List<String> headers, Duration maxAge) {
        this.origins = origins;
        this.methods = Set.copyOf(methods);
        this.headers = headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.allowMethods = HeaderValues.create(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", methods));
        this.allowHeaders = HeaderValues.create(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", headers));
        this.maxAge = HeaderValues.create(HeaderNames.ACCESS_CONTROL_MAX_AGE, maxAge.toSeconds());
        // What a page may read besides the simple headers: the request id and the next page's link.
        this.expose = HeaderValues.create(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, "X-Request-Id, Link");
    }

    /**
     * From the {@code messages.cors} node: {@code allowed-origins} (e.g. {@code https://app.example.com};
     * none: CORS off, and no filter), {@code allowed-methods}, {@code allowed-headers}, {@code max-age}.
     *
     * @throws IllegalArgumentException if an origin is not {@code scheme://host[:port]}
     */
    public static Optional<Filter> from(Config cors) {
        List<String> origins = cors.get("allowed-origins").asList(String.class).orElse(List.of()).stream()
                .map(String::strip).filter(o -> !o.isEmpty()).toList();
        if (origins.isEmpty()) {
            return Optional.empty();
        }
        for (String origin : origins) {
            if (!origin.matches("https?://[A-Za-z0-9.\\-\\[\\]:]+") || origin.endsWith("/")) {
                throw new IllegalArgumentException("messages.cors.allowed-origins: '" + origin
                                                           + "' is not an origin such as https://app.example.com");
            }
        }
        List<String> methods = cors.get("allowed-methods").asList(String.class).orElse(List.of("GET", "HEAD", "POST"))
                .stream().map(m -> m.strip().toUpperCase(Locale.ROOT)).toList();
        List<String> headers = cors.get("allowed-headers").asList(String.class)
                .orElse(List.of("Accept", "Content-Type", "X-Request-Id")).stream().map(String::strip).toList();
        Duration maxAge = cors.get("max-age").as(Duration.class).orElse(Duration.ofMinutes(10));
        return Optional.of(new Cors(Set.copyOf(origins), methods, headers, maxAge));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            chain.proceed();
            return;
        }
        res.header(VARY);
        if (!origins.contains(origin.get())) {
            refuse(res, "The origin is not allowed to call this service.");
            return;
        }
        res.header(HeaderValues.create(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin.get()));
        Optional<String> preflight = req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (req.prologue().method() == Method.OPTIONS && preflight.isPresent()) {
            if (!methods.contains(preflight.get()) || !headersAllowed(req)) {
                refuse(res, "The method or headers asked for are not allowed from this origin.");
                return;
            }
            res.status(Status.NO_CONTENT_204).header(allowMethods).header(allowHeaders).header(maxAge).send();
            return;
        }
        res.header(expose);
        chain.proceed();
    }

    private boolean headersAllowed(RoutingRequest req) {
        for (String name : req.headers().values(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS)) {
            if (!name.isBlank() && !headers.contains(name.strip().toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    private static void refuse(RoutingResponse res, String sentence) {
        res.status(Status.FORBIDDEN_403);
        res.headers().contentType(HttpMediaTypes.PLAINTEXT_UTF_8);
        res.send(sentence.getBytes(StandardCharsets.UTF_8));
    }
}
