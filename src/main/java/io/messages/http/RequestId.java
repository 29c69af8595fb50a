package io.messages.http;

import java.util.concurrent.ThreadLocalRandom;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerResponse;

/**
 * Every request's id, as Ktor's {@code CallId} gives one: the {@code X-Request-Id} it came with
 * (an ingress's, a proxy's, a client's) when well formed, a new one otherwise. It is echoed in the
 * response and written in the access log line and the request's span, so one id finds a request
 * in every log and trace it went through. Well formed: 1 to {@value #MAX_LENGTH} characters of
 * {@code A-Z a-z 0-9 - _ . : + = / @}, so that what is logged cannot forge log lines or fields.
 */
public final class RequestId implements Filter {
    /** The header an id comes in and goes out with. */
    public static final HeaderName HEADER = HeaderNames.create("X-Request-Id");

    private static final int MAX_LENGTH = 128;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    /** The id of the request {@code res} answers (kept in its header); {@code -} for one the filter did not see. */
    public static String of(ServerResponse res) {
        return res.headers().first(HEADER).orElse("-");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String id = req.headers().first(HEADER).filter(RequestId::wellFormed).orElseGet(RequestId::generate);
        res.header(HeaderValues.create(HEADER, id));
        chain.proceed();
    }

    static boolean wellFormed(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.:+=/@".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    // 128 random bits in hex, as nginx's $request_id: unique enough to find a request, not a secret.
    private static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] text = new char[32];
        long high = random.nextLong();
        long low = random.nextLong();
        for (int i = 0; i < 16; i++) {
            text[i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
            text[16 + i] = HEX[(int) (low >>> (60 - 4 * i)) & 0xf];
        }
        return new String(text);
    }
}
