package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

/**
 * Each response on one connection as its request needs it on the wire
 * ({@link RequestFraming.Exchange}). Helidon writes every response as HTTP/1.1 to a GET; for an
 * HTTP/1.1 GET (or any other method) the bytes pass untouched. Otherwise a {@code HEAD} gets the
 * head only, and HTTP/1.0 no chunked coding, which a 1.0 client cannot read, and the
 * {@code Connection} header it needs (docs/design.md, "ResponseFraming"). Helidon writes a
 * response only for the request it was last given, so the framing guard ({@link FramingGuard})
 * tells this writer about each request as it hands it over.
 */
final class ResponseFraming implements DataWriter {
    private enum Part { HEAD, BODY, DROP, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS }

    private static final int MAX_HEAD = 64 * 1024;

    private final DataWriter writer;
    private RequestFraming.Exchange exchange = new RequestFraming.Exchange(false, false, true);
    private boolean asWritten = true;
    private boolean closeAfter;
    private Part part = Part.BODY;
    private byte[] pending = new byte[512];
    private int pendingLength;
    private long chunkLeft;

    ResponseFraming(DataWriter writer) {
        this.writer = writer;
    }

    /** The next response is {@code exchange}'s. */
    void expect(RequestFraming.Exchange exchange) {
        this.exchange = exchange;
        this.asWritten = exchange.asWritten();
        this.part = asWritten ? Part.BODY : Part.HEAD;
        this.pendingLength = 0;
    }

    /** Whether the last response's body ended with the connection (HTTP/1.0 without a length). */
    boolean closeAfter() {
        return closeAfter;
    }

    @Override
    public void write(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            write(buffer);
        }
    }

    @Override
    public void write(BufferData buffer) {
        if (asWritten) {
            writer.write(buffer);
        } else {
            shape(buffer, false);
        }
    }

    @Override
    public void writeNow(BufferData... buffers) {
        for (BufferData buffer : buffers) {
            writeNow(buffer);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        if (asWritten) {
            writer.writeNow(buffer);
        } else {
            shape(buffer, true);
        }
    }

    @Override
    public void flush() {
        writer.flush();
    }

    @Override
    public void close() {
        writer.close();
    }

    private void shape(BufferData buffer, boolean now) {
        if (part == Part.BODY) {
            out(buffer, now);
            return;
        }
        if (part == Part.DROP) {
            buffer.skip(buffer.available());
            return;
        }
        byte[] bytes = new byte[buffer.available()];
        buffer.read(bytes);
        int at = 0;
        while (at < bytes.length) {
            at = switch (part) {
                case HEAD -> head(bytes, at, now);
                case BODY -> {
                    out(BufferData.create(bytes, at, bytes.length - at), now);
                    yield bytes.length;
                }
                case DROP -> bytes.length;
                default -> chunked(bytes, at, now);
            };
        }
    }

    // Response head bytes up to its blank line; then the head as the client needs it.
    private int head(byte[] bytes, int from, boolean now) {
        int at = from;
        while (at < bytes.length) {
            keep(bytes[at++]);
            if (pendingLength >= 4 && pending[pendingLength - 1] == '\n' && pending[pendingLength - 2] == '\r'
                    && pending[pendingLength - 3] == '\n' && pending[pendingLength - 4] == '\r') {
                String head = new String(pending, 0, pendingLength, StandardCharsets.ISO_8859_1);
                pendingLength = 0;
                out(BufferData.create(rewrite(head).getBytes(StandardCharsets.ISO_8859_1)), now);
                return at;
            }
            if (pendingLength > MAX_HEAD) {
                throw new IllegalStateException("a response head over " + MAX_HEAD + " bytes");
            }
        }
        return at;
    }

    // The head for an HTTP/1.0 client or a HEAD, and which part of the response comes next.
    private String rewrite(String head) {
        boolean chunked = false;
        StringBuilder kept = new StringBuilder(head.length() + 32);
        for (String line : head.substring(0, head.length() - 4).split("\r\n", -1)) {
            String name = line.substring(0, Math.max(0, line.indexOf(':'))).strip().toLowerCase(Locale.ROOT);
            if (name.equals("transfer-encoding")) {
                chunked = line.toLowerCase(Locale.ROOT).contains("chunked");
                if (exchange.http10()) {
                    continue;
                }
            }
            if (exchange.http10() && (name.equals("connection") || name.equals("keep-alive"))) {
                continue;
            }
            kept.append(line).append("\r\n");
        }
        boolean closes = head.regionMatches(true, 0, "HTTP/1.1 101", 0, 12) || !exchange.persistent()
                || head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close");
        if (exchange.head()) {
            part = Part.DROP;
        } else if (chunked && exchange.http10()) {
            // A 1.0 client reads a body without a length to the end of the connection.
            part = Part.CHUNK_SIZE;
            closes = true;
            closeAfter = true;
        } else {
            part = Part.BODY;
        }
        if (exchange.http10()) {
            kept.append(closes ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
        }
        return kept.append("\r\n").toString();
    }

    // A chunked body, passed on as its data alone (RFC 9112 7.1: Helidon's own framing, well formed).
    private int chunked(byte[] bytes, int from, boolean now) {
        int at = from;
        while (at < bytes.length) {
            switch (part) {
                case CHUNK_DATA -> {
                    int n = (int) Math.min(chunkLeft, bytes.length - at);
                    out(BufferData.create(bytes, at, n), now);
                    at += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        part = Part.CHUNK_END;
                    }
                }
                case CHUNK_END -> {
                    keep(bytes[at++]);
                    if (pendingLength == 2) { // the CRLF after the data
                        pendingLength = 0;
                        part = Part.CHUNK_SIZE;
                    }
                }
                case CHUNK_SIZE -> {
                    keep(bytes[at++]);
                    if (pendingLength >= 2 && pending[pendingLength - 1] == '\n') {
                        String line = new String(pending, 0, pendingLength - 2, StandardCharsets.US_ASCII);
                        int extension = line.indexOf(';');
                        chunkLeft = Long.parseLong((extension < 0 ? line : line.substring(0, extension)).strip(), 16);
                        pendingLength = 0;
                        part = chunkLeft == 0 ? Part.TRAILERS : Part.CHUNK_DATA;
                    }
                }
                case TRAILERS -> {
                    // Trailers cannot reach a 1.0 client: dropped, to the blank line that ends the body.
                    keep(bytes[at++]);
                    if (pendingLength >= 2 && pending[pendingLength - 1] == '\n') {
                        boolean blank = pendingLength == 2;
                        pendingLength = 0;
                        if (blank) {
                            part = Part.DROP;
                        }
                    }
                }
                default -> {
                    return bytes.length;
                }
            }
        }
        return at;
    }

    private void keep(byte b) {
        if (pendingLength == pending.length) {
            pending = Arrays.copyOf(pending, pending.length * 2);
        }
        pending[pendingLength++] = b;
    }

    private void out(BufferData buffer, boolean now) {
        if (now) {
            writer.writeNow(buffer);
        } else {
            writer.write(buffer);
        }
    }
}
