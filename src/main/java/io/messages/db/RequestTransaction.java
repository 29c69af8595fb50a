package io.messages.db;

import java.util.Objects;
import java.util.Optional;

import io.helidon.dbclient.DbExecute;
import io.helidon.dbclient.DbTransaction;
import io.helidon.webserver.http.ServerRequest;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;

import org.jspecify.annotations.Nullable;

/**
 * The one database transaction of an HTTP request (the recipe's {@code cherrypy.request.db}).
 * {@link TransactionFilter} creates it for each request and ends it right before the response's
 * first byte: a transaction that wrote commits for a 2xx or 3xx response; an exception or a
 * 4xx/5xx rolls back; one that only read just ends (a response that streams more rows than it
 * read before its first byte reads them in short transactions of its own). It is begun lazily,
 * on the first
 * {@link #read()} or {@link #write()}, so a request that never touches the database opens none.
 * Handlers run statements through it and never commit or roll back themselves.
 *
 * <p>With group commit (SQLite), a request that writes before it reads anything takes a seat in
 * the open batch ({@link GroupCommit}): its statements, reads included, run in its own savepoint
 * of the batch's transaction, and {@link #end(boolean)} returns once the batch holding its work
 * is committed. A request that read first keeps its own transaction, as without group commit.
 */
public final class RequestTransaction {
    private static final System.Logger LOGGER = System.getLogger(RequestTransaction.class.getName());

    private final Engine engine;
    private @Nullable DbTransaction transaction;
    private GroupCommit.@Nullable Seat seat;
    private boolean writeTurn;
    private boolean wrote;
    private boolean onlyAppended = true;
    private boolean ended;
    private boolean rehearsal;

    RequestTransaction(Engine engine) {
        this.engine = engine;
    }

    /**
     * The transaction of this request.
     *
     * @param req the current request
     * @return its transaction
     * @throws IllegalStateException if the routing has no {@link TransactionFilter}
     */
    public static RequestTransaction of(ServerRequest req) {
        return req.context().get(RequestTransaction.class)
                .orElseThrow(() -> new IllegalStateException(
                        "No request transaction: add TransactionFilter to the routing"));
    }

    /** Statements that only read; begins the transaction if this is the request's first use. */
    public DbExecute read() {
        ensureNotEnded();
        return seat != null ? seat.statements() : begin();
    }

    /**
     * Statements that read, each needing no other in its transaction: while the request has
     * begun no transaction, each runs on its own, in a snapshot of its own and with no commit to
     * wait for (a round trip less on a server database); once it has, in that transaction.
     * For reads that are exact on their own, such as the kept listing's check on PostgreSQL.
     */
    public DbExecute singleRead() {
        ensureNotEnded();
        return transaction == null && seat == null ? engine.client().execute() : read();
    }

    /**
     * Statements that write. On SQLite this first waits for the single write turn (in arrival
     * order), held until the transaction ends, and checks that the database file can still take
     * writes; then it begins the transaction if needed.
     *
     * @throws DatabaseUnavailableException if the database cannot take writes now (answered as 503)
     */
    public DbExecute write() {
        onlyAppended = false;
        return writeTurn();
    }

    /**
     * Statements that only insert new messages, each with an id above every existing one (what
     * {@code MessageStore.add} does); otherwise like {@link #write()}. Caches of the listing may
     * extend what they hold instead of reading it all again when every write was an append.
     *
     * @throws DatabaseUnavailableException if the database cannot take writes now (answered as 503)
     */
    public DbExecute append() {
        return writeTurn();
    }

    private DbExecute writeTurn() {
        // Checked before taking the turn: an ended transaction would never give it back.
        ensureNotEnded();
        wrote = true;
        if (!writeTurn) {
            engine.writeGate().enter();
            writeTurn = true;
            if (engine.groupCommit() == null) {
                engine.checkFile();
            }
        }
        GroupCommit group = engine.groupCommit();
        if (group == null) {
            return begin();
        }
        if (seat == null && transaction == null) {
            seat = group.join();
            countBegin();
        }
        if (seat != null) {
            return seat.statements();
        }
        // This request read in its own transaction first; writing there needs SQLite's write
        // lock, which the open batch holds until it commits.
        group.commitOpen();
        return begin();
    }

    /** Whether {@link #write()} or {@link #append()} was called: the transaction may have changed data. */
    public boolean wrote() {
        return wrote;
    }

    /**
     * The engine's data version ({@link Engine#dataVersion()}) as of now, for caches of what this
     * request reads: empty when other processes may write too.
     */
    public Optional<Engine.DataVersion> dataVersion() {
        return engine.dataVersion();
    }

    /**
     * Makes this request a rehearsal: it exercises the service (its warm-up before it is ready)
     * and changes nothing. Whatever it answers, its transaction is rolled back, and it is counted
     * in no metric. Called before the request uses the database.
     */
    public void rehearse() {
        rehearsal = true;
    }

    /** Whether this request is a rehearsal ({@link #rehearse()}). */
    public boolean isRehearsal() {
        return rehearsal;
    }

    /**
     * Whether {@code req} is a rehearsal ({@link #rehearse()}), for what counts or logs requests
     * after they are sent; false for a request that has no transaction.
     *
     * @param req a request
     * @return whether it is a rehearsal
     */
    public static boolean isRehearsal(ServerRequest req) {
        return req.context().get(RequestTransaction.class).filter(tx -> tx.rehearsal).isPresent();
    }

    /** Whether the request has begun its transaction and it has not ended yet. */
    public boolean isActive() {
        return (transaction != null || seat != null) && !ended;
    }

    /**
     * Ends an active transaction: commits when {@code keep} is true, otherwise rolls back.
     * Nothing happens if it was never begun or has already ended. Only a failed commit of written
     * work is thrown (nothing of it was stored, and the response must say so); a failed rollback,
     * or a failed end of a transaction that only read, changes nothing that was promised: it is
     * logged, and the connection it ran on has been retired by the pool ({@link GuardedConnection}).
     */
    @SuppressWarnings("try") // the scope only makes the span current
    void end(boolean keep) {
        if (ended) {
            return;
        }
        ended = true;
        boolean keeps = keep && !rehearsal;
        if (seat == null && transaction == null) {
            releaseWriteTurn();
            return;
        }
        // Traced (when tracing is on) as a span of its own, commit or rollback, whose child is the
        // wait for the group's commit; the outcome goes on the request's span.
        Optional<Tracer> tracer = engine.tracing().tracer();
        Optional<Span> request = tracer.map(t -> Span.current());
        Optional<Span> span = tracer.map(t -> t.spanBuilder(keeps ? "commit" : "rollback").startSpan());
        boolean committed = false;
        try (Scope scope = span.map(Span::makeCurrent).orElse(Scope.noop())) {
            committed = seat != null ? endSeat(seat, keeps) : endOwn(Objects.requireNonNull(transaction), keeps);
        } catch (RuntimeException e) {
            span.ifPresent(s -> s.recordException(e).setStatus(StatusCode.ERROR));
            throw e;
        } finally {
            span.ifPresent(Span::end);
            String outcome = committed ? "committed" : "rolled_back";
            request.ifPresent(s -> s.setAttribute("messages.transaction", outcome));
            releaseWriteTurn();
        }
    }

    // Whether it committed.
    private boolean endOwn(DbTransaction transaction, boolean keep) {
        boolean committed = false;
        try {
            if (keep) {
                transaction.commit();
                committed = true;
            } else {
                transaction.rollback();
            }
        } catch (RuntimeException e) {
            if (keep && wrote) {
                throw e;
            }
            logQuietEnd(keep, e);
        } finally {
            countEnd(committed, wrote, onlyAppended);
        }
        return committed;
    }

    // Whether the batch holding it committed.
    private boolean endSeat(GroupCommit.Seat seat, boolean keep) {
        writeTurn = false; // the seat gives the turn up itself
        boolean kept;
        try {
            kept = seat.leave(keep, onlyAppended);
        } catch (RuntimeException e) {
            // A savepoint statement failed: the batch is broken and will be rolled back whole.
            countEnd(false, true, onlyAppended);
            if (keep) {
                throw new DatabaseUnavailableException("the group commit holding this request failed", e);
            }
            logQuietEnd(false, e);
            return false;
        }
        if (!kept) {
            countEnd(false, true, onlyAppended);
            return false;
        }
        Optional<Span> wait = engine.tracing().tracer().map(t -> t.spanBuilder("group commit wait").startSpan());
        try {
            seat.awaitCommit();
            return true;
        } finally {
            wait.ifPresent(Span::end);
        }
    }

    // A rehearsal is counted nowhere.
    private void countBegin() {
        if (!rehearsal) {
            engine.countBegin();
        }
    }

    private void countEnd(boolean committed, boolean wrote, boolean onlyAppended) {
        if (!rehearsal) {
            engine.countEnd(committed, wrote, onlyAppended);
        }
    }

    private static void logQuietEnd(boolean keep, RuntimeException e) {
        LOGGER.log(System.Logger.Level.WARNING, (keep ? "Ending a read-only" : "Rolling back a")
                + " request transaction failed; nothing written was kept: " + e.getMessage());
    }

    private DbExecute begin() {
        ensureNotEnded();
        if (transaction == null) {
            transaction = engine.client().transaction();
            countBegin();
        }
        return transaction;
    }

    private void ensureNotEnded() {
        if (ended) {
            throw new IllegalStateException("The request transaction has already ended: its response was sent");
        }
    }

    private void releaseWriteTurn() {
        if (writeTurn) {
            writeTurn = false;
            GroupCommit group = engine.groupCommit();
            if (group != null) {
                group.leaveTurn();
            } else {
                engine.writeGate().leave();
            }
        }
    }
}
