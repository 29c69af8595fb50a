package io.messages.http;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;

import org.jspecify.annotations.Nullable;

/**
 * The bytes Helidon's HTTP/1 connection reads, one whole checked request at a time
 * ({@link RequestFraming}): Helidon parses only requests that are complete and unambiguous. A
 * request that is not gets one fixed answer ({@link PlainAnswers}) and the connection is
 * closed. While it waits for bytes it tells its {@link ClientConnection} what it waits for, so
 * that the deadlines can end a connection that is silent, idle or too slow.
 *
 * <p>Helidon asks for bytes only when it has no request in hand, so whatever this writes never
 * interleaves with one of its responses.
 */
final class FramingGuard implements Supplier<byte[]> {
    private static final BufferData CONTINUE = BufferData.create("HTTP/1.1 100 Continue\r\n\r\n"
                                                                         .getBytes(StandardCharsets.US_ASCII));

    private final ConnectionContext connection;
    private final DataReader socket;
    private final RequestFraming framing;
    private final ClientConnection deadlines;
    private final ResponseFraming responses;
    private boolean servedOne;

    FramingGuard(ConnectionContext connection, FramingLimits limits, ClientConnection deadlines, ResponseFraming responses) {
        this.connection = connection;
        this.socket = connection.dataReader();
        this.framing = new RequestFraming(limits, hostOf(connection));
        this.deadlines = deadlines;
        this.responses = responses;
    }

    @Override
    public byte @Nullable [] get() {
        if (responses.closeAfter()) {
            throw new CloseConnectionException("the response's body ended with the connection (HTTP/1.0)");
        }
        while (true) {
            RequestFraming.Framed request = framing.nextRequest();
            if (request != null) {
                servedOne = true;
                responses.expect(request.exchange());
                return request.bytes();
            }
            framing.rejection().ifPresent(this::answerAndClose);
            if (framing.closeRequested()) {
                throw new CloseConnectionException("the client asked to close the connection");
            }
            if (framing.takeContinue()) {
                connection.dataWriter().writeNow(CONTINUE.rewind());
            }
            byte[] bytes = read();
            if (bytes == null) {
                if (framing.midRequest()) {
                    answerAndClose(RequestFraming.CUT_SHORT);
                }
                return null;
            }
            framing.feed(bytes);
        }
    }

    // The next bytes from the client, or null at the end of the stream.
    private byte @Nullable [] read() {
        deadlines.awaitBytes(phase(), framing.bodyBytes());
        try {
            socket.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException e) {
            deadlines.stoppedWaiting();
            return null;
        } catch (RuntimeException e) {
            deadlines.stoppedWaiting();
            throw e;
        }
        deadlines.stoppedWaiting();
        return socket.readBytes(socket.available());
    }

    // The Host of an HTTP/1.0 request that names none: where it was received.
    private static String hostOf(ConnectionContext connection) {
        String host = connection.localPeer().host();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + connection.localPeer().port();
    }

    private ClientConnection.Phase phase() {
        if (!framing.midRequest()) {
            return servedOne ? ClientConnection.Phase.IDLE : ClientConnection.Phase.NEW;
        }
        return framing.readingBody() ? ClientConnection.Phase.BODY : ClientConnection.Phase.HEAD;
    }

    private void answerAndClose(RequestFraming.Rejection rejection) {
        try {
            connection.dataWriter().writeNow(PlainAnswers.raw(rejection));
        } catch (RuntimeException e) {
            // the client is gone already
        }
        throw new CloseConnectionException("invalid request framing: " + rejection.status().code());
    }
}
