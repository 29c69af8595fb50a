package io.messages.http;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;

import org.jspecify.annotations.Nullable;

/**
 * Who sent a request, as the access log and the request's span name it, as Ktor's
 * {@code ForwardedHeaders}/{@code XForwardedHeaders} find it: the connection's peer, unless that
 * peer is a trusted proxy ({@code messages.proxies.trusted}, CIDRs; none by default), in which
 * case what it forwarded ({@code Forwarded} (RFC 7239), else {@code X-Forwarded-For}) is read from
 * the nearest hop back, past every trusted proxy, to the first address that is not one. Anyone can
 * send these headers: from a peer that is not trusted they are ignored, and so is every hop a
 * proxy that is not trusted added. {@code X-Forwarded-Proto} (or {@code proto=}) of a trusted peer
 * gives the scheme.
 */
public final class ClientAddress implements Filter {
    private static final int MAX_HOPS = 32;

    private final List<Cidr> trusted;

    /**
     * Where a request came from.
     *
     * @param address the client's address, as text
     * @param scheme  {@code http}, or what a trusted proxy said the client used
     */
    public record Origin(String address, String scheme) {
    }

    private ClientAddress(List<Cidr> trusted) {
        this.trusted = trusted;
    }

    /**
     * From the {@code messages.proxies} node: {@code trusted}, a list of CIDRs ({@code 10.0.0.0/8},
     * {@code 2001:db8::/32}) or addresses; no filter while none is trusted.
     *
     * @throws IllegalArgumentException if an entry is not an address or a CIDR
     */
    public static Optional<Filter> from(Config proxies) {
        List<Cidr> trusted = new ArrayList<>();
        for (String entry : proxies.get("trusted").asList(String.class).orElse(List.of())) {
            if (!entry.isBlank()) {
                trusted.add(Cidr.parse(entry.strip()));
            }
        }
        // With no proxy trusted the peer is the client, which of() says without a filter.
        return trusted.isEmpty() ? Optional.empty() : Optional.of(new ClientAddress(List.copyOf(trusted)));
    }

    /** Where {@code req} came from: the filter's finding, or its peer for a request it did not see. */
    public static Origin of(ServerRequest req) {
        return req.context().get(Origin.class).orElseGet(() -> new Origin(req.remotePeer().host(), "http"));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        req.context().register(origin(req));
        chain.proceed();
    }

    private Origin origin(ServerRequest req) {
        String peer = req.remotePeer().host();
        @Nullable InetAddress peerAddress = req.remotePeer().address() instanceof InetSocketAddress socket
                ? socket.getAddress() : null;
        if (peerAddress == null || !trusts(peerAddress)) {
            return new Origin(peer, "http");
        }
        List<String> hops = new ArrayList<>();
        List<String> protos = new ArrayList<>();
        if (req.headers().contains(HeaderNames.FORWARDED)) {
            req.headers().all(HeaderNames.FORWARDED, List::of).forEach(value -> forwarded(value, hops, protos));
        } else {
            req.headers().all(HeaderNames.X_FORWARDED_FOR, List::of)
                    .forEach(value -> addAll(value, hops));
            req.headers().all(HeaderNames.X_FORWARDED_PROTO, List::of).forEach(value -> addAll(value, protos));
        }
        String client = peer;
        for (int i = hops.size() - 1; i >= 0 && i >= hops.size() - MAX_HOPS; i--) {
            Optional<InetAddress> hop = literal(hops.get(i));
            if (hop.isEmpty()) {
                break; // "unknown", an obfuscated name, or garbage: nothing before it can be trusted
            }
            client = hop.get().getHostAddress();
            if (!trusts(hop.get())) {
                break;
            }
        }
        String scheme = protos.isEmpty() ? "http" : protos.getLast().toLowerCase(Locale.ROOT);
        return new Origin(client, scheme.equals("https") ? "https" : "http");
    }

    private boolean trusts(InetAddress address) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(address)) {
                return true;
            }
        }
        return false;
    }

    // RFC 7239: elements separated by commas, pairs by semicolons; for= and proto= of each element.
    private static void forwarded(String value, List<String> hops, List<String> protos) {
        for (String element : value.split(",")) {
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                String v = unquote(pair.substring(eq + 1).strip());
                if (name.equals("for")) {
                    hops.add(withoutPort(v));
                } else if (name.equals("proto")) {
                    protos.add(v);
                }
            }
        }
    }

    private static void addAll(String commaSeparated, List<String> into) {
        for (String item : commaSeparated.split(",")) {
            if (!item.isBlank()) {
                into.add(withoutPort(item.strip()));
            }
        }
    }

    private static String unquote(String v) {
        return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
    }

    // "[2001:db8::1]:4711" and "192.0.2.1:4711" as addresses; a bare IPv6 address as it is.
    private static String withoutPort(String hop) {
        if (hop.startsWith("[")) {
            int end = hop.indexOf(']');
            return end < 0 ? hop : hop.substring(1, end);
        }
        int colon = hop.indexOf(':');
        return colon >= 0 && colon == hop.lastIndexOf(':') ? hop.substring(0, colon) : hop;
    }

    /** An IP address literal, never a name: nothing here may cause a DNS lookup. */
    static Optional<InetAddress> literal(String text) {
        if (text.isEmpty() || text.length() > 45) {
            return Optional.empty();
        }
        boolean v6 = text.indexOf(':') >= 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean allowed = c >= '0' && c <= '9' || c == '.' || v6 && (c == ':' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F');
            if (!allowed) {
                return Optional.empty();
            }
        }
        if (!v6 && text.split("\\.", -1).length != 4) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(text)); // a literal: parsed, not looked up
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }

    // An address block: its first bits, compared with an address of the same family.
    private record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            String address = slash < 0 ? text : text.substring(0, slash);
            InetAddress parsed = literal(address).orElseThrow(() -> new IllegalArgumentException(
                    "messages.proxies.trusted: '" + text + "' is not an IP address or a CIDR such as 10.0.0.0/8"));
            int max = parsed.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("messages.proxies.trusted: '" + text + "' has a prefix length outside 0-" + max);
            }
            return new Cidr(parsed.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xff << (8 - rest) & 0xff;
            return (bytes[full] & mask) == (network[full] & mask);
        }
    }
}
