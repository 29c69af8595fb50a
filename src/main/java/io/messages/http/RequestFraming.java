package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.http.Status;

import org.jspecify.annotations.Nullable;

/**
 * The framing of HTTP/1.1 and HTTP/1.0 requests on one connection (RFC 9112 sections 2-7), checked
 * byte by byte before any of it reaches Helidon's parser. Bytes go in as they arrive; what comes
 * out is each request once it is complete and unambiguous, re-framed as HTTP/1.1 with one
 * {@code Content-Length} (a chunked body arrives de-chunked), with what its response must look
 * like ({@link Exchange}), or the status that rejects the first request that is not. After a
 * rejection nothing more is read: the connection must be closed, since where the next request
 * would start is exactly what cannot be known. How HTTP/1.0 is passed on, what is rejected, and
 * why this is one file: docs/design.md, "RequestFraming".
 */
final class RequestFraming {
    private enum State { REQUEST_LINE, HEADERS, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILERS }

    private static final Status HEADERS_TOO_LARGE = Status.create(431, "Request Header Fields Too Large");
    private static final int MAX_CHUNK_LINE = 4096;

    // Why a request is rejected: fixed sentences, never the request's own bytes.
    static final Rejection LINE_END = bad("Every line of a request must end with CRLF.");
    static final Rejection REQUEST_LINE = bad("The request line must be a method, a space, the target, a space and HTTP/1.1.");
    static final Rejection TARGET = bad("The request target is not valid: it must be printable ASCII, with %XX escapes of two hex digits.");
    static final Rejection VERSION = bad("This server speaks HTTP/1.1 and HTTP/1.0 only.");
    static final Rejection CODING_IN_HTTP10 = bad("An HTTP/1.0 request must not have Transfer-Encoding.");
    static final Rejection FIELD = bad("A header must be a name, a colon and a value without control characters, on one line.");
    static final Rejection HOST = bad("A request must have exactly one Host header.");
    static final Rejection LENGTH = bad("Content-Length must be given once, as a plain number.");
    static final Rejection LENGTH_AND_CODING = bad("A request must not have both Content-Length and Transfer-Encoding.");
    static final Rejection CODING = bad("Transfer-Encoding must end with chunked.");
    static final Rejection OTHER_CODING = new Rejection(Status.NOT_IMPLEMENTED_501,
                                                        "Only the chunked transfer coding is supported.");
    static final Rejection CHUNK = bad("The chunked body is malformed.");
    static final Rejection CUT_SHORT = bad("The connection ended in the middle of the request.");
    static final Rejection LINE_TOO_LONG = new Rejection(Status.REQUEST_URI_TOO_LONG_414,
                                                         "The request line is longer than the server accepts.");
    static final Rejection HEADERS_TOO_LONG = new Rejection(HEADERS_TOO_LARGE,
                                                            "The request headers are larger than the server accepts.");
    static final Rejection BODY_TOO_LARGE = new Rejection(Status.REQUEST_ENTITY_TOO_LARGE_413,
                                                          "The request body is larger than the server accepts.");
    static final Rejection TOO_SLOW = new Rejection(Status.REQUEST_TIMEOUT_408, "The request was not received in time.");

    /**
     * A request the server will not read further, and the one sentence that says why.
     *
     * @param status the 4xx or 501 to answer
     * @param reason one fixed sentence
     */
    record Rejection(Status status, String reason) {
    }

    /**
     * What the response to one request must look like on the wire.
     *
     * @param http10     the client spoke HTTP/1.0: no chunked coding, and a {@code Connection} header
     *                   that says whether the connection stays open
     * @param head       the request was {@code HEAD}: the response's head only
     * @param persistent the connection stays open after the response (as far as the request goes)
     */
    record Exchange(boolean http10, boolean head, boolean persistent) {
        /** An HTTP/1.1 request other than HEAD: its response goes out as Helidon writes it. */
        boolean asWritten() {
            return !http10 && !head;
        }
    }

    /** A complete request, re-framed for Helidon, and what its response must look like. */
    record Framed(byte[] bytes, Exchange exchange) {
    }
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] HTTP11 = "HTTP/1.1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "Connection: close\r\n".getBytes(StandardCharsets.US_ASCII);

    private final FramingLimits limits;
    private final byte[] hostLine;
    private final ArrayDeque<Framed> complete = new ArrayDeque<>();
    private @Nullable Rejection rejection;
    private boolean closeRequested;
    private boolean continueWanted;

    // The request being read.
    private State state = State.REQUEST_LINE;
    private final Bytes line = new Bytes();
    private boolean lineEndsSoon;
    private boolean started;
    private final Bytes head = new Bytes();
    private final Bytes body = new Bytes();
    private int sectionBytes;
    private long remaining;
    private final List<String> contentLengths = new ArrayList<>();
    private final List<String> transferCodings = new ArrayList<>();
    private int hosts;
    private boolean close;
    private boolean keepAlive;
    private boolean expectsContinue;
    private boolean http10;
    private boolean headMethod;

    // localHost: the Host given to an HTTP/1.0 request that has none (where it was received).
    RequestFraming(FramingLimits limits, String localHost) {
        this.limits = limits;
        this.hostLine = ("Host: " + localHost + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads {@code bytes}; stops at the first framing error. */
    void feed(byte[] bytes) {
        if (rejection != null || closeRequested) {
            return;
        }
        try {
            int at = 0;
            while (at < bytes.length && !closeRequested) {
                at = switch (state) {
                    case BODY, CHUNK_DATA -> content(bytes, at);
                    case CHUNK_CR -> expect(bytes[at], '\r', State.CHUNK_LF, at);
                    case CHUNK_LF -> expect(bytes[at], '\n', State.CHUNK_SIZE, at);
                    default -> line(bytes, at);
                };
            }
        } catch (Rejected e) {
            rejection = e.rejection;
        }
    }

    /** The next complete, valid request, re-framed; null when none is complete yet. */
    @Nullable Framed nextRequest() {
        return complete.poll();
    }

    /** Why the connection must be answered and closed, once a request was found invalid. */
    Optional<Rejection> rejection() {
        return Optional.ofNullable(rejection);
    }

    /** Whether part of a request has been read (a silence now is a stalled request, not idleness). */
    boolean midRequest() {
        return started;
    }

    /** Whether the request being read has its head complete and is reading its body. */
    boolean readingBody() {
        return started && state != State.REQUEST_LINE && state != State.HEADERS;
    }

    /** How many bytes of the current request's body have been read. */
    long bodyBytes() {
        return body.length();
    }

    /** Whether a complete request asked for {@code Connection: close}: nothing after it is read. */
    boolean closeRequested() {
        return closeRequested;
    }

    /**
     * Whether a request whose headers were just read expects {@code 100 Continue} before it sends
     * its body (asked once; the body is then awaited here, before Helidon sees the request).
     */
    boolean takeContinue() {
        boolean wanted = continueWanted;
        continueWanted = false;
        return wanted;
    }

    // Body bytes, as many as the body or chunk still has; returns where they end.
    private int content(byte[] bytes, int from) {
        int n = (int) Math.min(remaining, bytes.length - from);
        body.add(bytes, from, n);
        remaining -= n;
        if (remaining == 0) {
            if (state == State.BODY) {
                finish();
            } else {
                state = State.CHUNK_CR;
            }
        }
        return from + n;
    }

    private int expect(byte b, char wanted, State then, int at) {
        if (b != wanted) {
            throw new Rejected(CHUNK);
        }
        state = then;
        return at + 1;
    }

    // Bytes of the current line, up to its end; it must end with CRLF: a bare CR or a bare LF is
    // an error (RFC 9112 2.2). Returns where it stopped.
    private int line(byte[] bytes, int from) {
        if (lineEndsSoon) {
            if (bytes[from] != '\n') {
                throw new Rejected(LINE_END);
            }
            lineEndsSoon = false;
            byte[] text = line.copy();
            line.clear();
            onLine(text);
            return from + 1;
        }
        int end = from;
        while (end < bytes.length && bytes[end] != '\r' && bytes[end] != '\n') {
            end++;
        }
        if (end > from) {
            started = true;
            line.add(bytes, from, end - from);
            switch (state) {
                case REQUEST_LINE -> limit(line.length() > limits.maxRequestLine(), LINE_TOO_LONG);
                case HEADERS, TRAILERS -> limit(sectionBytes + line.length() > limits.maxHeaders(), HEADERS_TOO_LONG);
                default -> limit(line.length() > MAX_CHUNK_LINE, CHUNK);
            }
        }
        if (end == bytes.length) {
            return end;
        }
        if (bytes[end] == '\n') {
            throw new Rejected(LINE_END);
        }
        started = true;
        lineEndsSoon = true;
        return end + 1;
    }

    private void onLine(byte[] text) {
        switch (state) {
            case REQUEST_LINE -> {
                if (text.length == 0 && head.length() == 0) {
                    started = false; // RFC 9112 2.2: empty lines before a request are ignored
                    return;
                }
                int version = requestLine(text);
                // Helidon parses HTTP/1.1 only: the version is passed on as 1.1 (what 1.0 means is kept here).
                head.add(text, 0, version);
                head.add(HTTP11);
                head.add(CRLF);
                state = State.HEADERS;
            }
            case HEADERS -> {
                if (text.length == 0) {
                    endOfHeaders();
                    return;
                }
                sectionBytes += text.length + 2;
                if (header(text)) {
                    head.add(text);
                    head.add(CRLF);
                }
            }
            case CHUNK_SIZE -> chunkSize(text);
            case TRAILERS -> {
                if (text.length == 0) {
                    finish();
                    return;
                }
                sectionBytes += text.length + 2;
                // Checked like a header, then dropped: the body is passed on with a length.
                fieldLine(text);
            }
            default -> throw new IllegalStateException("no line is read in state " + state);
        }
    }

    // Checks the request line; returns where its version begins.
    private int requestLine(byte[] text) {
        int first = indexOf(text, ' ', 0);
        int second = first < 0 ? -1 : indexOf(text, ' ', first + 1);
        if (first <= 0 || second <= first + 1 || indexOf(text, ' ', second + 1) >= 0) {
            throw new Rejected(REQUEST_LINE);
        }
        for (int i = 0; i < first; i++) {
            if (!isTokenChar(text[i])) {
                throw new Rejected(REQUEST_LINE);
            }
        }
        for (int i = first + 1; i < second; i++) {
            int c = text[i] & 0xff;
            if (c <= 0x20 || c >= 0x7f
                    || c == '%' && (i + 2 >= second || Character.digit(text[i + 1], 16) < 0 || Character.digit(text[i + 2], 16) < 0)) {
                throw new Rejected(TARGET);
            }
        }
        String version = new String(text, second + 1, text.length - second - 1, StandardCharsets.US_ASCII);
        if (!version.equals("HTTP/1.1") && !version.equals("HTTP/1.0")) {
            throw new Rejected(VERSION);
        }
        http10 = version.equals("HTTP/1.0");
        headMethod = first == 4 && text[0] == 'H' && text[1] == 'E' && text[2] == 'A' && text[3] == 'D';
        return second + 1;
    }

    // Checks a header line and notes what framing needs; false when it is re-written, not passed on.
    private boolean header(byte[] text) {
        int colon = fieldLine(text);
        String name = new String(text, 0, colon, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        String value = new String(text, colon + 1, text.length - colon - 1, StandardCharsets.ISO_8859_1).strip();
        switch (name) {
            case "content-length" -> {
                contentLengths.add(value);
                return false;
            }
            case "transfer-encoding" -> {
                for (String coding : value.split(",", -1)) {
                    transferCodings.add(coding.strip().toLowerCase(Locale.ROOT));
                }
                return false;
            }
            case "expect" -> {
                expectsContinue = value.equalsIgnoreCase("100-continue");
                return false;
            }
            case "host" -> hosts++;
            case "connection" -> {
                for (String option : value.split(",")) {
                    close |= option.strip().equalsIgnoreCase("close");
                    keepAlive |= option.strip().equalsIgnoreCase("keep-alive");
                }
            }
            default -> {
                // passed on as it is
            }
        }
        return true;
    }

    // A field line: a token name, a colon, a value without control characters (RFC 9112 5).
    private static int fieldLine(byte[] text) {
        if (text[0] == ' ' || text[0] == '\t') {
            throw new Rejected(FIELD); // obsolete line folding
        }
        int colon = indexOf(text, ':', 0);
        if (colon <= 0) {
            throw new Rejected(FIELD);
        }
        for (int i = 0; i < colon; i++) {
            if (!isTokenChar(text[i])) {
                throw new Rejected(FIELD); // includes whitespace before the colon
            }
        }
        for (int i = colon + 1; i < text.length; i++) {
            int c = text[i] & 0xff;
            if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw new Rejected(FIELD);
            }
        }
        return colon;
    }

    // RFC 9112 6.1 and 6.3: how long the body is, or 400/501 where that cannot be known.
    private void endOfHeaders() {
        if (hosts > 1 || hosts == 0 && !http10) {
            throw new Rejected(HOST);
        }
        if (http10) {
            limit(!transferCodings.isEmpty(), CODING_IN_HTTP10);
            expectsContinue = false;
            if (hosts == 0) {
                head.add(hostLine);
            }
            if (!keepAlive && !close) {
                head.add(CLOSE);
            }
            close |= !keepAlive;
        }
        if (!transferCodings.isEmpty()) {
            limit(!contentLengths.isEmpty(), LENGTH_AND_CODING);
            limit(!transferCodings.getLast().equals("chunked")
                          || transferCodings.indexOf("chunked") != transferCodings.size() - 1, CODING);
            limit(transferCodings.size() > 1, OTHER_CODING);
            state = State.CHUNK_SIZE;
        } else if (!contentLengths.isEmpty()) {
            String length = contentLengths.getFirst();
            limit(contentLengths.size() > 1 || length.isEmpty() || length.length() > 18
                          || !length.chars().allMatch(c -> c >= '0' && c <= '9'), LENGTH);
            remaining = Long.parseLong(length);
            limit(remaining > limits.maxPayload(), BODY_TOO_LARGE);
            state = State.BODY;
        }
        sectionBytes = 0;
        if (state == State.HEADERS || state == State.BODY && remaining == 0) {
            finish();
        } else {
            continueWanted = expectsContinue;
        }
    }

    private void chunkSize(byte[] text) {
        int digits = 0;
        long size = 0;
        while (digits < text.length && Character.digit(text[digits], 16) >= 0) {
            size = size * 16 + Character.digit(text[digits], 16);
            limit(size > limits.maxPayload(), BODY_TOO_LARGE);
            digits++;
        }
        int rest = digits;
        while (rest < text.length && (text[rest] == ' ' || text[rest] == '\t')) {
            rest++;
        }
        // Hex digits, then nothing or chunk extensions (";name=value", ignored).
        limit(digits == 0 || rest < text.length && text[rest] != ';', CHUNK);
        for (int i = rest; i < text.length; i++) {
            int c = text[i] & 0xff;
            limit(c < 0x20 && c != '\t' || c == 0x7f, CHUNK);
        }
        limit(body.length() + size > limits.maxPayload(), BODY_TOO_LARGE);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            remaining = size;
            state = State.CHUNK_DATA;
        }
    }

    // The request is complete: its head with one Content-Length, then its body.
    private void finish() {
        if (body.length() > 0) {
            head.add(("Content-Length: " + body.length() + "\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        head.add(CRLF);
        head.add(body);
        complete.add(new Framed(head.copy(), new Exchange(http10, headMethod, !close)));
        closeRequested = close;
        head.clear();
        body.clear();
        contentLengths.clear();
        transferCodings.clear();
        sectionBytes = 0;
        hosts = 0;
        close = false;
        keepAlive = false;
        http10 = false;
        headMethod = false;
        expectsContinue = false;
        continueWanted = false;
        started = false;
        state = State.REQUEST_LINE;
    }

    private static void limit(boolean broken, Rejection rejection) {
        if (broken) {
            throw new Rejected(rejection);
        }
    }

    private static Rejection bad(String reason) {
        return new Rejection(Status.BAD_REQUEST_400, reason);
    }

    private static boolean isTokenChar(byte b) {
        int c = b & 0xff;
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static int indexOf(byte[] text, char c, int from) {
        for (int i = from; i < text.length; i++) {
            if (text[i] == c) {
                return i;
            }
        }
        return -1;
    }

    // A growing byte array; ByteArrayOutputStream would take a lock for every byte.
    private static final class Bytes {
        private byte[] data = new byte[512];
        private int length;

        void add(byte[] bytes, int from, int n) {
            if (length + n > data.length) {
                data = Arrays.copyOf(data, Math.max(data.length * 2, length + n));
            }
            System.arraycopy(bytes, from, data, length, n);
            length += n;
        }

        void add(byte[] bytes) {
            add(bytes, 0, bytes.length);
        }

        void add(Bytes bytes) {
            add(bytes.data, 0, bytes.length);
        }

        int length() {
            return length;
        }

        byte[] copy() {
            return Arrays.copyOf(data, length);
        }

        void clear() {
            length = 0;
        }
    }

    // Unwinds the byte loop at the first error; no stack trace needed.
    private static final class Rejected extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Rejection rejection;

        private Rejected(Rejection rejection) {
            super(null, null, false, false);
            this.rejection = rejection;
        }
    }
}
