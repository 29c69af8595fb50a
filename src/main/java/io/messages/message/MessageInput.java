package io.messages.message;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.helidon.http.HttpException;
import io.helidon.http.Status;

/**
 * Reads and checks the {@code msg} parameter of a query string or an
 * {@code application/x-www-form-urlencoded} body. Decoding is strict: a malformed escape or bytes
 * that are not UTF-8 are rejected, not replaced, so what is stored is exactly what was sent.
 * Every rejection is a {@link HttpException} whose message tells the client what to fix.
 */
final class MessageInput {
    private static final String NAME = "msg";

    private MessageInput() {
    }

    /**
     * The single, valid {@code msg} value of an urlencoded string.
     *
     * @param urlencoded the raw query string or form body, still percent-encoded
     * @param limits     the size limit
     * @return the decoded message
     * @throws HttpException if {@code msg} is missing, repeated, malformed or not acceptable
     */
    static String message(String urlencoded, MessageLimits limits) {
        List<String> values = values(urlencoded, NAME);
        if (values.isEmpty()) {
            throw badRequest("msg is required, e.g. /record?msg=hello");
        }
        if (values.size() > 1) {
            throw badRequest("msg must be given once, it was given " + values.size() + " times");
        }
        String msg = values.getFirst();
        if (msg.isEmpty()) {
            throw badRequest("msg must not be empty");
        }
        int bytes = utf8Length(msg);
        if (bytes > limits.maxMessageBytes()) {
            throw badRequest("msg is " + bytes + " bytes of UTF-8, the limit is " + limits.maxMessageBytes());
        }
        for (int i = 0; i < msg.length(); i++) {
            // The listing puts one message per line: a line break or other control character
            // inside a message would forge or garble lines, and so would the Unicode line and
            // paragraph separators (lines to many viewers) and the bidirectional controls (which
            // reorder what follows them on the line, so that a message shows other text than it holds).
            char c = msg.charAt(i);
            if (Character.isISOControl(c) || forgesLines(c)) {
                throw badRequest("msg must not contain control characters, line or paragraph separators or "
                                         + "bidirectional controls (found U+%04X at index %d)".formatted((int) c, i));
            }
        }
        return msg;
    }

    // U+2028, U+2029; U+202A-U+202E (embeddings, overrides); U+2066-U+2069 (isolates).
    private static boolean forgesLines(char c) {
        return c == '\u2028' || c == '\u2029' || c >= '\u202A' && c <= '\u202E' || c >= '\u2066' && c <= '\u2069';
    }

    // All decoded values of one parameter name, in order.
    private static List<String> values(String urlencoded, String name) {
        List<String> values = new ArrayList<>(1);
        if (urlencoded.isEmpty()) {
            return values;
        }
        for (String pair : urlencoded.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            if (decode(rawName).equals(name)) {
                values.add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return values;
    }

    private static String decode(String raw) {
        ByteBuffer bytes = ByteBuffer.allocate(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
                int lo = hi < 0 ? -1 : hex(raw.charAt(i + 2));
                if (lo < 0) {
                    throw badRequest("the parameters have a malformed percent-escape: use %XX with two hex digits");
                }
                bytes.put((byte) (hi << 4 | lo));
                i += 2;
            } else if (c == '+') {
                bytes.put((byte) ' ');
            } else if (c < 0x80) {
                bytes.put((byte) c);
            } else {
                throw badRequest("the parameters must be percent-encoded ASCII");
            }
        }
        bytes.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            throw badRequest("the parameters are not valid UTF-8 once percent-decoded");
        }
    }

    // A 400 that goes through the routing's error handling (Helidon's BadRequestException would
    // skip it and be answered by the connection's direct handler).
    private static HttpException badRequest(String message) {
        return new HttpException(message, Status.BAD_REQUEST_400, true);
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    private static int utf8Length(CharSequence s) {
        return StandardCharsets.UTF_8.encode(CharBuffer.wrap(s)).remaining();
    }
}
