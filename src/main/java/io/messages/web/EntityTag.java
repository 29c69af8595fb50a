package io.messages.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Strong entity tags and the conditional GET they answer (RFC 9110 8.8.3, 13.1.2), for the kept
 * listing and for pages alike: a tag is a 64-bit hash of what proves the content, one per
 * representation (the gzip form has its own); {@code If-None-Match} naming it is answered 304
 * before any body is built or sent.
 */
public final class EntityTag {
    /** The hash of nothing: where {@link #hash} starts. */
    public static final long EMPTY_HASH = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private EntityTag() {
    }

    /** {@code h} extended by {@code n} bytes of {@code bytes} from {@code from}: FNV-1a, 64 bits. */
    public static long hash(long h, byte[] bytes, int from, int n) {
        long x = h;
        for (int i = from; i < from + n; i++) {
            x = (x ^ (bytes[i] & 0xff)) * FNV_PRIME;
        }
        return x;
    }

    /** The tag of {@code parts}' bytes, one after another. */
    public static String ofBytes(byte[]... parts) {
        long h = EMPTY_HASH;
        for (byte[] part : parts) {
            h = hash(h, part, 0, part.length);
        }
        return of(h);
    }

    /** The tag of a content whose proof hashes to {@code hash}. */
    public static String of(long hash) {
        return "\"" + Long.toHexString(hash) + "\"";
    }

    /** {@code etag}'s gzip representation's own tag. */
    public static String gzip(String etag) {
        return etag.substring(0, etag.length() - 1) + "-gzip\"";
    }

    /**
     * Sets {@code etag} on {@code res}; when the request's {@code If-None-Match} names it, answers
     * {@code 304} with no body.
     *
     * @return whether the 304 was sent (nothing more is to be sent)
     */
    public static boolean notModified(ServerRequest req, ServerResponse res, String etag) {
        res.header(HeaderNames.ETAG, etag);
        if (req.headers().first(HeaderNames.IF_NONE_MATCH).map(tags -> matches(tags, etag)).orElse(false)) {
            res.status(Status.NOT_MODIFIED_304);
            res.headers().remove(HeaderNames.CONTENT_TYPE);
            res.headers().remove(HeaderNames.CONTENT_ENCODING);
            res.send();
            return true;
        }
        return false;
    }

    // If-None-Match: "*" or a list of tags, compared weakly (RFC 9110 13.1.2: W/ ignored).
    private static boolean matches(String ifNoneMatch, String etag) {
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*") || (t.startsWith("W/") ? t.substring(2) : t).equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
