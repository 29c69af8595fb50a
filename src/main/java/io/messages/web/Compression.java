package io.messages.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import io.helidon.config.Config;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * gzip on request ({@code messages.compression}): a listing or page of at least
 * {@code min-bytes} goes out gzip-compressed to a client whose {@code Accept-Encoding} takes
 * gzip, and every answer of {@code GET /} says {@code Vary: Accept-Encoding}, so that caches keep
 * the two apart. A kept listing has its gzip form made once per version ((listing/ListingGzip));
 * a page is compressed as it is built, a streamed listing as it streams.
 *
 * @param enabled  whether to compress at all
 * @param minBytes the smallest body compressed: smaller ones gain less than the encoding costs
 */
public record Compression(boolean enabled, int minBytes) {
    /** {@code Vary: Accept-Encoding}, on every answer that may be compressed. */
    public static final Header VARY = HeaderValues.create(HeaderNames.VARY, "Accept-Encoding");
    /** {@code Content-Encoding: gzip}. */
    public static final Header GZIP = HeaderValues.create(HeaderNames.CONTENT_ENCODING, "gzip");
    /** Heap a compressing stream holds: the deflater's state (~256 KiB) and its output buffer. */
    public static final int STREAM_BYTES = 256 * 1024 + ResponseMemory.PIECE;

    public static Compression from(Config compression) {
        return new Compression(compression.get("enabled").asBoolean().orElse(true),
                               compression.get("min-bytes").asInt().orElse(1024));
    }

    /** Whether {@code req}'s client takes gzip (a q of 0 refuses it; {@code *} takes it). */
    public boolean accepted(ServerRequest req) {
        if (!enabled) {
            return false;
        }
        for (String value : req.headers().all(HeaderNames.ACCEPT_ENCODING, java.util.List::of)) {
            for (String coding : value.split(",")) {
                String[] parts = coding.split(";");
                String name = parts[0].strip().toLowerCase(Locale.ROOT);
                if (name.equals("gzip") || name.equals("x-gzip") || name.equals("*")) {
                    return !refused(parts);
                }
            }
        }
        return false;
    }

    /** Whether a body of {@code length} bytes is worth compressing for {@code req}. */
    public boolean applies(ServerRequest req, long length) {
        return length >= minBytes && accepted(req);
    }

    /** {@code body} gzip-compressed (a page, at most a few MB). */
    public static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** {@code out} compressing what is written, in writes the connection sends as they are. */
    public static OutputStream gzip(OutputStream out) {
        try {
            return new GZIPOutputStream(out, ResponseMemory.PIECE);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing the gzip header: the client is gone
        }
    }

    /** Marks {@code res} as gzip-encoded. */
    public static void encoded(ServerResponse res) {
        res.header(GZIP);
    }

    private static boolean refused(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip().toLowerCase(Locale.ROOT);
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2)) <= 0;
                } catch (NumberFormatException e) {
                    return true;
                }
            }
        }
        return false;
    }
}
