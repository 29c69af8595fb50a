package io.messages.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * A pooled connection, and the statements made on it, that retire the connection from the pool
 * as soon as it can no longer be trusted: a transaction-control call failed (commit, rollback, the
 * auto-commit switch, a savepoint), the server went away ({@link DatabaseFailure#serverGone}), or
 * SQLite refused a write as read-only ({@link DatabaseFailure#readOnly}; retired when handed back).
 * A statement that failed on its own (a constraint, a syntax error, a deadlock victim) leaves it in
 * the pool: the rollback that follows puts it back in a known state.
 *
 * <p>It also keeps a transaction's connection until the transaction ends, which Helidon's JDBC
 * client does not (docs/design.md, "GuardedConnection").
 */
final class GuardedConnection implements InvocationHandler {
    private static final Set<String> CONTROL_CALLS = Set.of(
            "commit", "rollback", "setAutoCommit", "setSavepoint", "releaseSavepoint");
    private static final Set<String> STATEMENT_FACTORIES = Set.of("createStatement", "prepareStatement", "prepareCall");
    private static final Pattern CONTROL_STATEMENT = Pattern.compile(
            "\\s*(SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|END)\\b.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final Connection pooled;
    private final ConnectionPool pool;
    private boolean retired;
    // A refused write said the connection is read-only: retired once it is handed back.
    private volatile @Nullable SQLException retireWhenReturned;
    // Between setAutoCommit(false) and the commit or rollback that ends that transaction.
    private boolean inTransaction;

    private GuardedConnection(Connection pooled, ConnectionPool pool) {
        this.pooled = pooled;
        this.pool = pool;
    }

    /** {@code pooled}, guarded. */
    static Connection of(Connection pooled, ConnectionPool pool) {
        return proxy(Connection.class, new GuardedConnection(pooled, pool));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        switch (method.getName()) {
            case "setAutoCommit" -> inTransaction = args != null && Boolean.FALSE.equals(args[0]);
            case "commit", "rollback" -> inTransaction = inTransaction && args != null && args.length > 0; // to a savepoint: still in it
            case "close" -> {
                if (inTransaction) {
                    return null;
                }
            }
            default -> {
                // passed on as it is
            }
        }
        SQLException readOnly = retireWhenReturned;
        if (readOnly != null && method.getName().equals("close")) {
            // Before it goes back: once returned, another request could take it first.
            retire(readOnly);
        }
        // A commit is confirmed, and bounded where the server does not time it (CommitBound).
        Object result = method.getName().equals("commit")
                ? pool.commits().commit(pooled, () -> call(pooled, method, args, true))
                : call(pooled, method, args, CONTROL_CALLS.contains(method.getName()));
        if (result instanceof Statement statement && STATEMENT_FACTORIES.contains(method.getName())) {
            // The statement's own SQL (prepared) or each executed SQL (plain) tells a control statement.
            String sql = args != null && args.length > 0 && args[0] instanceof String s ? s : null;
            @SuppressWarnings("unchecked")
            Class<Statement> type = (Class<Statement>) method.getReturnType();
            return proxy(type, (p, m, a) -> call(statement, m, a, isControl(sql) || isControl(firstString(a))));
        }
        return result;
    }

    private @Nullable Object call(Object target, Method method, @Nullable Object[] args, boolean control)
            throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable failure = e.getCause();
            if (failure instanceof SQLException sql) {
                pool.failed(sql);
                if (control || DatabaseFailure.serverGone(sql)) {
                    retire(sql);
                } else if (DatabaseFailure.readOnly(sql)) {
                    retireWhenReturned = sql;
                }
            }
            throw failure;
        }
    }

    private synchronized void retire(SQLException why) {
        if (!retired) {
            retired = true;
            pool.retire(pooled, why);
        }
    }

    private static boolean isControl(@Nullable String sql) {
        return sql != null && CONTROL_STATEMENT.matcher(sql).matches();
    }

    private static @Nullable String firstString(@Nullable Object[] args) {
        return args != null && args.length > 0 && args[0] instanceof String s ? s : null;
    }

    private static <T> T proxy(Class<T> type, InvocationHandler handler) {
        return type.cast(Proxy.newProxyInstance(GuardedConnection.class.getClassLoader(), new Class<?>[] {type}, handler));
    }
}
