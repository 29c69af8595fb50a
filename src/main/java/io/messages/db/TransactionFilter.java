package io.messages.db;

import java.io.IOException;
import java.io.OutputStream;

import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * A transaction per request (the recipe's session tool), installed once in the routing.
 *
 * <p>Handlers write their response themselves with {@code res.send(...)}, so code after
 * {@code chain.proceed()} runs when the response is already out: too late to commit. Instead,
 * when a request first asks to write, the response's output stream is wrapped, and before its
 * first byte (the status line included) leaves, the transaction is committed for a 2xx/3xx status
 * or rolled back otherwise. If the commit fails, nothing is sent from that stream; the exception
 * goes to the routing's error handling, which answers a 5xx. A transaction that only read has
 * nothing to make durable: it stays open while the response streams and ends after the handler.
 * An exception from a handler rolls back.
 *
 * <p>Why only when it writes: a wrapped stream makes Helidon send even a {@code send(byte[])}
 * through its streaming path, which copies the body three times (measured with JFR: 78% of all
 * allocation at 50,000 listings/s, and a young collection every 150 ms); unwrapped, the body is
 * copied once, next to the headers.
 *
 * <p>The filter owns the engine for the server's life: the server calls {@link #afterStop()}
 * once in-flight requests are done, and the engine is closed then (the recipe's engine plugin).
 */
public final class TransactionFilter implements Filter {
    private static final System.Logger LOGGER = System.getLogger(TransactionFilter.class.getName());

    private final Engine engine;

    /**
     * A filter that gives each request a transaction of {@code engine}.
     *
     * @param engine the engine; closed when the server stops
     */
    public TransactionFilter(Engine engine) {
        this.engine = engine;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        RequestTransaction tx = new RequestTransaction(
                engine, writing -> res.streamFilter(out -> new CommitBeforeSend(out, writing, res)));
        req.context().register(tx);
        try {
            chain.proceed();
        } catch (RuntimeException | Error e) {
            tx.end(false);
            throw e;
        }
        if (!tx.isActive()) {
            return;
        }
        if (tx.wrote()) {
            // A transaction that wrote ends in the wrapped stream when its response is sent;
            // reaching here means none was, so nothing may be kept.
            LOGGER.log(System.Logger.Level.WARNING, "No response was sent for {0} {1}; rolling back",
                       req.prologue().method().text(), req.path().path());
            tx.end(false);
        } else {
            tx.end(keeps(res.status()));
        }
    }

    @Override
    public void afterStop() {
        engine.close();
    }

    private static boolean keeps(Status status) {
        return status.code() < 400;
    }

    /** The response's stream: ends the transaction before anything is written or flushed. */
    private static final class CommitBeforeSend extends OutputStream {
        private final OutputStream out;
        private final RequestTransaction tx;
        private final RoutingResponse res;
        private boolean failed;

        private CommitBeforeSend(OutputStream out, RequestTransaction tx, RoutingResponse res) {
            this.out = out;
            this.tx = tx;
            this.res = res;
        }

        @Override
        public void write(int b) throws IOException {
            commitWrites();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            commitWrites();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            commitWrites();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            if (failed) {
                // Closing would send this response (status line and all): the commit failed, so
                // it must not go out; the error handler answers instead.
                return;
            }
            endTransaction();
            out.close();
        }

        private void commitWrites() {
            if (tx.wrote()) {
                endTransaction();
            }
        }

        private void endTransaction() {
            try {
                tx.end(keeps(res.status()));
            } catch (RuntimeException e) {
                failed = true;
                throw e;
            }
        }
    }
}
