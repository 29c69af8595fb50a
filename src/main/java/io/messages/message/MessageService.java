package io.messages.message;

import java.nio.charset.StandardCharsets;
import java.util.Set;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Header;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.messages.db.RequestTransaction;

/**
 * The recipe's {@code Root}: {@code GET /} lists the messages, {@code GET|POST /record} stores
 * one. The response texts are the recipe's, byte for byte.
 */
public final class MessageService implements HttpService {
    /** The paths this service answers, relative to where it is registered. */
    public static final Set<String> ROUTES = Set.of("/", "/record");

    private static final String RECORDED_PREFIX = "Recorded: ";
    private static final Header NOSNIFF = HeaderValues.create("X-Content-Type-Options", "nosniff");

    private final MessageStore store;
    private final MessageLimits limits;
    private final Listing listing;
    private final Counter recorded = Metrics.globalRegistry().getOrCreate(
            Counter.builder("messages.recorded").description("Messages recorded and committed"));

    /**
     * A service over {@code store} that accepts messages within {@code limits}.
     *
     * @param store  where messages are kept
     * @param limits what a message may be
     */
    public MessageService(MessageStore store, MessageLimits limits) {
        this.store = store;
        this.limits = limits;
        this.listing = new Listing(store);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .get("/record", this::recordFromQuery)
                .post("/record", this::recordFromForm)
                .any("/", (req, res) -> methodNotAllowed(res, "GET"))
                .any("/record", (req, res) -> methodNotAllowed(res, "GET, POST"));
    }

    private void list(ServerRequest req, ServerResponse res) {
        textHeaders(res);
        listing.send(RequestTransaction.of(req), res);
    }

    private void recordFromQuery(ServerRequest req, ServerResponse res) {
        record(req, res, MessageInput.message(req.query().rawValue(), limits));
    }

    private void recordFromForm(ServerRequest req, ServerResponse res) {
        boolean form = req.headers().contentType()
                .map(type -> type.test(MediaTypes.APPLICATION_FORM_URLENCODED))
                .orElse(false);
        if (!form) {
            throw new HttpException("POST /record takes an application/x-www-form-urlencoded body with msg",
                                    Status.UNSUPPORTED_MEDIA_TYPE_415, true);
        }
        String body = new String(req.content().as(byte[].class), StandardCharsets.ISO_8859_1);
        record(req, res, MessageInput.message(body, limits));
    }

    private void record(ServerRequest req, ServerResponse res, String msg) {
        store.add(RequestTransaction.of(req), msg);
        sendText(res, RECORDED_PREFIX + msg);
        // send() commits before writing; reaching here means the message is stored.
        recorded.increment();
    }

    private static void methodNotAllowed(ServerResponse res, String allowed) {
        res.status(Status.METHOD_NOT_ALLOWED_405)
                .header(HeaderNames.ALLOW, allowed);
        sendText(res, "Method not allowed; use " + allowed);
    }

    private static void sendText(ServerResponse res, String text) {
        textHeaders(res);
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }

    private static void textHeaders(ServerResponse res) {
        res.headers().contentType(HttpMediaTypes.PLAINTEXT_UTF_8);
        // Both texts echo what users sent: never let a browser sniff them into HTML.
        res.header(NOSNIFF);
    }
}
