package io.messages.db;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * A connection of a request's own, outside the pool ({@link ConnectionPool}): closing it closes
 * the physical connection and gives its place back, once.
 */
final class ReleasedOnClose implements InvocationHandler {
    private final Connection connection;
    private final Runnable release;
    private final AtomicBoolean released = new AtomicBoolean();

    private ReleasedOnClose(Connection connection, Runnable release) {
        this.connection = connection;
        this.release = release;
    }

    static Connection of(Connection connection, Runnable release) {
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                                                   new ReleasedOnClose(connection, release));
    }

    @Override
    public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
        try {
            return method.invoke(connection, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        } finally {
            if (method.getName().equals("close") && released.compareAndSet(false, true)) {
                release.run();
            }
        }
    }
}
