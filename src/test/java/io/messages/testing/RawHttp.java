package io.messages.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends exact bytes to the server and reads the whole response: for requests that well-behaved
 * clients refuse to build (malformed escapes, raw control bytes).
 */
public final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:\\s*(\\d+)");
    private RawHttp() {
    }

    /** A parsed response: status code and body text (UTF-8). */
    public record Response(int status, String head, String body) {
    }

    /**
     * Sends {@code request} (ISO-8859-1 characters, one byte each) to 127.0.0.1:{@code port} and
     * reads one response, its body by {@code Content-Length} (or to end of stream without one).
     * Helidon 4.1.7 keeps the connection open even after {@code Connection: close}
     * (helidon-io/helidon#12324), so end of stream cannot mark the end of the response.
     */
    public static Response exchange(int port, String request) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                headBytes.write(b);
                matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            String head = headBytes.toString(StandardCharsets.ISO_8859_1).strip();
            if (!head.startsWith("HTTP/1.1 ")) {
                throw new IOException("no response, the connection ended: " + head);
            }
            Matcher length = CONTENT_LENGTH.matcher(head);
            byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : in.readAllBytes();
            int status = Integer.parseInt(head.substring(9, 12));
            return new Response(status, head, new String(body, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Everything the server sent on one connection: the responses in order, and whether it then
     * closed the connection.
     *
     * @param responses every complete response (a {@code 100 Continue} counts as one)
     * @param closed    whether the server closed the connection (end of stream or reset)
     */
    public record Conversation(List<Response> responses, boolean closed) {
    }

    /**
     * Sends {@code request} to 127.0.0.1:{@code port}, optionally ends the client's side
     * ({@code endOutput}, as a client that sent everything it had), and reads until the server
     * closes the connection or {@code wait} passes.
     */
    public static Conversation converse(int port, String request, boolean endOutput, Duration wait) {
        Received received = received(port, request, endOutput, wait);
        return new Conversation(parse(received.bytes()), received.closed());
    }

    private record Received(byte[] bytes, boolean closed) {
    }

    private static Received received(int port, String request, boolean endOutput, Duration wait) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closed = false;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            if (endOutput) {
                socket.shutdownOutput();
            }
            long deadline = System.nanoTime() + wait.toNanos();
            byte[] buffer = new byte[8192];
            while (!closed) {
                int left = (int) TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout(left);
                try {
                    int n = socket.getInputStream().read(buffer);
                    if (n < 0) {
                        closed = true;
                    } else {
                        received.write(buffer, 0, n);
                    }
                } catch (SocketTimeoutException e) {
                    break;
                } catch (SocketException e) {
                    closed = true; // reset by the server
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Received(received.toByteArray(), closed);
    }

    /**
     * Everything the server sent on one connection as text (ISO-8859-1), until it closed it or
     * {@code wait} passed: for answers a parser cannot cut by their headers ({@code HEAD}).
     */
    public static String transcript(int port, String request, Duration wait) {
        return new String(received(port, request, false, wait).bytes(), StandardCharsets.ISO_8859_1);
    }

    private static List<Response> parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            int end = text.indexOf("\r\n\r\n", at);
            if (end < 0) {
                break;
            }
            String head = text.substring(at, end);
            Matcher length = CONTENT_LENGTH.matcher(head);
            int status = Integer.parseInt(head.substring(9, 12));
            // Without a length or a coding (an HTTP/1.0 response), the body ends with the connection.
            boolean toTheEnd = !head.toLowerCase(java.util.Locale.ROOT).contains("\r\ntransfer-encoding:")
                    && status >= 200 && status != 204 && status != 304;
            int bodyLength = length.find() ? Integer.parseInt(length.group(1)) : toTheEnd ? text.length() : 0;
            int bodyEnd = Math.min(text.length(), end + 4 + bodyLength);
            byte[] body = text.substring(end + 4, bodyEnd).getBytes(StandardCharsets.ISO_8859_1);
            responses.add(new Response(status, head,
                                       new String(body, StandardCharsets.UTF_8)));
            at = bodyEnd;
        }
        return responses;
    }

    /** {@code GET target} with {@code Connection: close}. */
    public static Response get(int port, String target) {
        return exchange(port, "GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    }
}
