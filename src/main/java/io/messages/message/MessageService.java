package io.messages.message;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.HttpException;
import io.helidon.http.HttpMediaTypes;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.service.registry.Services;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;
import io.messages.listing.Listing;
import io.messages.web.Compression;
import io.messages.web.EntityTag;
import io.messages.web.ResponseMemory;
import io.messages.web.TransactionFilter;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.JsonWriter;
import jakarta.json.JsonWriterFactory;

/**
 * The recipe's {@code Root}: {@code GET /} lists the messages, {@code GET|POST /record} stores
 * one. The response texts are the recipe's, byte for byte. Additions around them: pages
 * ({@code GET /?limit=N&after=ID}, same text) and JSON for clients that ask for it
 * ({@code Accept: application/json}: ids, values and a {@code next} page).
 */
public final class MessageService implements HttpService {
    /** The paths this service answers, relative to where it is registered. */
    public static final Set<String> ROUTES = Set.of("/", "/record");

    private static final String RECORDED_PREFIX = "Recorded: ";
    private static final String LIST_METHODS = "GET, HEAD, OPTIONS";
    private static final String RECORD_METHODS = "GET, HEAD, POST, OPTIONS";
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header NO_STORE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-store");
    private static final JsonBuilderFactory JSON = Json.createBuilderFactory(Map.of());
    private static final JsonWriterFactory JSON_WRITER = Json.createWriterFactory(Map.of());

    private final MessageStore store;
    private final MessageLimits limits;
    private final Listing listing;
    private final ResponseMemory memory;
    private final Compression compression;
    private final Counter recorded = Services.get(MeterRegistry.class).getOrCreate(
            Counter.builder("messages.recorded").description("Messages recorded and committed"));

    /**
     * A service over {@code store} that accepts messages within {@code limits}.
     *
     * @param store     where messages are kept
     * @param limits    what a message may be
     * @param engine    the database engine, for what the listing reads outside the request's transaction
     * @param memory    what listings and pages may hold while their clients take them
     * @param compressionConfig the {@code messages.compression} node: gzip on request
     */
    public MessageService(MessageStore store, MessageLimits limits, Engine engine, ResponseMemory memory,
                          Config compressionConfig) {
        this(store, limits, engine, memory, Compression.from(compressionConfig));
    }

    private MessageService(MessageStore store, MessageLimits limits, Engine engine, ResponseMemory memory,
                           Compression compression) {
        this.store = store;
        this.limits = limits;
        this.memory = memory;
        this.compression = compression;
        this.listing = new Listing(engine, memory, limits.keptListing(), compression);
    }

    // HEAD as GET without the body (RFC 9110 9.1: every general-purpose server supports both);
    // OPTIONS says which methods a path takes.
    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::list)
                .head("/", this::list)
                .get("/record", this::recordFromQuery)
                .head("/record", this::recordFromQuery)
                .post("/record", this::recordFromForm)
                .options("/", (req, res) -> allow(res, LIST_METHODS))
                .options("/record", (req, res) -> allow(res, RECORD_METHODS))
                .any("/", (req, res) -> methodNotAllowed(res, LIST_METHODS))
                .any("/record", (req, res) -> methodNotAllowed(res, RECORD_METHODS));
    }

    private void list(ServerRequest req, ServerResponse res) {
        // Revalidated on every use: a cache (the browser's, a proxy's) never serves an old listing.
        res.header(NO_CACHE);
        if (compression.enabled()) {
            res.header(Compression.VARY);
        }
        RequestTransaction tx = TransactionFilter.transactionOf(req);
        if (prefersJson(req)) {
            // JSON is always paged: a whole table in one JSON document would grow without bound.
            res.headers().contentType(MediaTypes.APPLICATION_JSON);
            sendPage(req, res, jsonPage(tx, Page.firstOf(req.query(), limits)));
            return;
        }
        Optional<Page> page = Page.from(req.query(), limits);
        if (page.isPresent()) {
            textHeaders(res);
            sendPage(req, res, textPage(tx, page.get(), res));
            return;
        }
        textHeaders(res);
        listing.send(req, res, isHead(req));
    }

    // A page is answered with a tag made from its bytes, 304 when the client has them, else
    // compressed if the client takes it and it is worth it. The page is read either way: on
    // PostgreSQL nothing cheaper says it is unchanged (the listing's version holds the snapshot,
    // which any commit moves), and a page is bounded by messages.max-page-size.
    private void sendPage(ServerRequest req, ServerResponse res, byte[] page) {
        // The Link header too: two pages of the same text with other ids point to other next pages.
        byte[] next = res.headers().first(HeaderNames.LINK).orElse("").getBytes(StandardCharsets.UTF_8);
        String etag = EntityTag.ofBytes(page, next);
        boolean gzip = compression.applies(req, page.length);
        if (EntityTag.notModified(req, res, gzip ? EntityTag.gzip(etag) : etag)) {
            return;
        }
        if (gzip) {
            Compression.encoded(res);
            memory.send(res, Compression.gzip(page), true);
        } else {
            memory.send(res, page, true);
        }
    }

    // A page is built into bytes by a method of its own: its rows are out of reach once it returns,
    // and only the bytes (counted in the response memory) are held while the client takes them.
    private byte[] jsonPage(RequestTransaction tx, Page page) {
        List<Message> messages = store.page(tx, page.after(), page.limit());
        JsonArrayBuilder items = JSON.createArrayBuilder();
        messages.forEach(m -> items.add(json(m)));
        JsonObject json = JSON.createObjectBuilder()
                .add("messages", items)
                .add("next", page.next(messages).<JsonValue>map(p -> Json.createValue(p.path())).orElse(JsonValue.NULL))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonWriter writer = JSON_WRITER.createWriter(out, StandardCharsets.UTF_8)) {
            writer.write(json);
        }
        return out.toByteArray();
    }

    private byte[] textPage(RequestTransaction tx, Page page, ServerResponse res) {
        List<Message> messages = store.page(tx, page.after(), page.limit());
        page.next(messages).ifPresent(next -> res.header(HeaderNames.LINK, "<" + next.path() + ">; rel=\"next\""));
        return (Listing.PREFIX + String.join("\n", messages.stream().map(Message::value).toList()))
                .getBytes(StandardCharsets.UTF_8);
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
        // The answer of a write: no cache keeps it, none answers another request with it.
        res.header(NO_STORE);
        if (isHead(req)) {
            // GET's head, and nothing stored: HEAD is safe (RFC 9110 9.2.1), so it records nothing.
            textHeaders(res);
            ResponseMemory.sendHead(res, (RECORDED_PREFIX + msg).getBytes(StandardCharsets.UTF_8).length);
            return;
        }
        RequestTransaction tx = TransactionFilter.transactionOf(req);
        Message stored = store.add(tx, msg);
        if (prefersJson(req)) {
            res.send(json(stored));
        } else {
            sendText(res, RECORDED_PREFIX + msg);
        }
        // send() commits before writing; reaching here means the message is stored (unless the
        // request was a dry run, which stores nothing).
        if (tx.counted()) {
            recorded.increment();
        }
    }

    // JSON only when asked for it over plain text: */* and browsers get the recipe's text.
    private static boolean prefersJson(ServerRequest req) {
        return req.headers().bestAccepted(MediaTypes.TEXT_PLAIN, MediaTypes.APPLICATION_JSON)
                .map(MediaTypes.APPLICATION_JSON::equals)
                .orElse(false);
    }

    private static JsonObject json(Message message) {
        return JSON.createObjectBuilder().add("id", message.id()).add("value", message.value()).build();
    }

    static boolean isHead(ServerRequest req) {
        return req.prologue().method() == Method.HEAD;
    }

    private static void allow(ServerResponse res, String allowed) {
        res.status(Status.NO_CONTENT_204).header(HeaderNames.ALLOW, allowed).send();
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
    }
}
