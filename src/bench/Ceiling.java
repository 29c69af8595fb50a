import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The ceiling of the table-size sweep (src/bench/sizes.sh): a bare Helidon 4.5 WebServer that
 * sends the very bytes the service sent for GET / (fetched from it beforehand), with nothing
 * between the socket and the handler: no database, no filters, no features. What the service
 * reaches against it is what its own work costs at that size.
 * <p>
 * Like the service: blocking sockets (Helidon 4.5's NIO is pathological for large bodies, see
 * docs/performance.md), TCP_NODELAY, {@code text/plain; charset=UTF-8},
 * {@code Cache-Control: no-cache}, {@code Vary: Accept-Encoding}, the service's {@code ETag};
 * the prebuilt gzip bytes with {@code Content-Encoding: gzip} (and the gzip form's tag) when
 * {@code Accept-Encoding} names gzip; 304 when {@code If-None-Match} equals the tag. Two ways to
 * send the same bytes, since Helidon's two differ at large sizes:
 * <ul>
 * <li>{@code GET /}: {@code res.send(bytes)}. Helidon copies the whole body, after the head, into
 * one buffer per response (Http1ServerResponse.responseBuffer): at 40 MB and 16 connections the
 * copies alone outgrow a 576 MiB heap (OutOfMemoryError, answered 500).</li>
 * <li>{@code GET /stream}: {@code Content-Length}, then the bytes through {@code res.outputStream()}
 * in 64 KiB writes, as the service sends a kept listing (ResponseMemory.sendShared): no copy.</li>
 * </ul>
 * Run from the repository root (tags as the service sent them, quotes included; "-" for none):
 * <pre>
 * java -Xmx576m -XX:+UseG1GC -cp 'target/libs/*:target/messages.jar' src/bench/Ceiling.java \
 *     PORT IDENTITY_FILE GZIP_FILE IDENTITY_ETAG GZIP_ETAG
 * </pre>
 * It prints {@code ceiling listening on PORT} once it serves, and runs until it is killed.
 */
public class Ceiling {
    private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
    private static final Header VARY = HeaderValues.create(HeaderNames.VARY, "Accept-Encoding");
    private static final Header GZIP = HeaderValues.create(HeaderNames.CONTENT_ENCODING, "gzip");
    /** The service's piece of a kept listing, and of each write of it (ListingBody). */
    private static final int PIECE = 64 * 1024;
    private static final Header TEXT = HeaderValues.create(HeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: Ceiling PORT IDENTITY_FILE GZIP_FILE IDENTITY_ETAG GZIP_ETAG");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        byte[] identity = Files.readAllBytes(Path.of(args[1]));
        byte[] gzip = Files.readAllBytes(Path.of(args[2]));
        Representation plain = new Representation(identity, tag(args[3]), null);
        Representation zipped = new Representation(gzip, tag(args[4]), GZIP);

        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .useNio(false)
                .featuresDiscoverServices(false)
                .connectionOptions(options -> options.tcpNoDelay(true))
                .routing(routing -> routing
                        .get("/", (req, res) -> send(req, res, takesGzip(req) ? zipped : plain, false))
                        .get("/stream", (req, res) -> send(req, res, takesGzip(req) ? zipped : plain, true)))
                .build()
                .start();
        System.out.println("ceiling listening on " + server.port() + ": " + identity.length + " bytes, gzip "
                                   + gzip.length + " bytes");
        Thread.currentThread().join();
    }

    private static void send(ServerRequest req, ServerResponse res, Representation body, boolean streamed)
            throws IOException {
        res.header(NO_CACHE);
        res.header(VARY);
        if (body.etag() != null) {
            res.header(body.etag());
            if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(body.etag().get()::equals).orElse(false)) {
                res.status(Status.NOT_MODIFIED_304).send();
                return;
            }
        }
        res.header(TEXT);
        if (body.encoding() != null) {
            res.header(body.encoding());
        }
        byte[] bytes = body.bytes();
        if (!streamed) {
            res.send(bytes);
            return;
        }
        res.header(HeaderNames.CONTENT_LENGTH, String.valueOf(bytes.length));
        try (OutputStream out = res.outputStream()) {
            for (int at = 0; at < bytes.length; at += PIECE) {
                out.write(bytes, at, Math.min(PIECE, bytes.length - at));
            }
        }
    }

    private static Header tag(String value) {
        return value.equals("-") || value.isEmpty() ? null : HeaderValues.create(HeaderNames.ETAG, value);
    }

    private static boolean takesGzip(ServerRequest req) {
        for (String value : req.headers().all(HeaderNames.ACCEPT_ENCODING, List::of)) {
            if (value.toLowerCase(Locale.ROOT).contains("gzip")) {
                return true;
            }
        }
        return false;
    }

    private record Representation(byte[] bytes, Header etag, Header encoding) {
    }
}
