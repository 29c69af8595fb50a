package io.messages.app;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Stops the service on SIGTERM (Kubernetes) or SIGINT (Ctrl-C) ({@link Service#stop()}):
 * readiness DOWN and clients asked to leave while it keeps serving for the drain delay, then the
 * server stops accepting connections, lets in-flight requests finish within
 * {@code server.shutdown-grace-period} (their transactions commit or roll back as usual), closes
 * the database pool, and the process exits 0. The JVM's default would run the same shutdown but
 * exit 143, which reads as a failure, and Helidon's own shutdown hook would skip the drain delay.
 * A signal during start-up (the database opening, its migrations, the server being built) stops
 * at once with one line and exits 0: nothing is served yet, so nothing is drained, and what a
 * migration had not committed the database rolls back.
 */
final class GracefulStop {
    private static final System.Logger LOGGER = System.getLogger(GracefulStop.class.getName());

    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicReference<@Nullable Service> serving = new AtomicReference<>();

    private GracefulStop() {
    }

    /** Handles SIGTERM and SIGINT from now on: start-up has begun. */
    static GracefulStop onSignals() {
        GracefulStop stop = new GracefulStop();
        for (String name : new String[] {"TERM", "INT"}) {
            onSignal(name, () -> stop.signalled("SIG" + name));
        }
        return stop;
    }

    /** From now on a signal stops {@code service} gracefully: start-up is over. */
    void serving(Service service) {
        serving.set(service);
    }

    private void signalled(String reason) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        Service service = serving.get();
        if (service == null) {
            LOGGER.log(System.Logger.Level.INFO, "messages: stopped on {0} during start-up, before serving", reason);
            System.exit(0);
            return;
        }
        // Not on the signal's own thread: it is a daemon, and the JVM would exit as soon as the
        // server's last thread ends, cutting the stop short.
        Thread.ofPlatform().name("messages-stop").daemon(false).start(() -> stop(service, reason));
    }

    // sun.misc.Signal (module jdk.unsupported) is the JDK's supported way for an application to
    // handle a signal. It is reached by name because javac warns about it as "internal
    // proprietary API" with no way to suppress that one warning, and the build fails on warnings.
    private static void onSignal(String name, Runnable action) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object onSignal = Proxy.newProxyInstance(GracefulStop.class.getClassLoader(), new Class<?>[] {handler},
                                                     (proxy, method, args) -> {
                                                         if (method.getName().equals("handle")) {
                                                             action.run();
                                                         }
                                                         return null;
                                                     });
            signal.getMethod("handle", signal, handler)
                    .invoke(null, signal.getConstructor(String.class).newInstance(name), onSignal);
        } catch (ReflectiveOperationException e) {
            Throwable cause = e instanceof InvocationTargetException target ? target.getCause() : e;
            throw new StartupException("cannot handle SIG" + name + " to stop gracefully", cause);
        }
    }

    private static void stop(Service service, String reason) {
        long started = System.nanoTime();
        LOGGER.log(System.Logger.Level.INFO, "messages: stopping on {0}: readiness DOWN, serving {1,number,#} ms more while clients"
                + " move away, then no new connections and in-flight requests finish", reason,
                   service.drainDelay().toMillis());
        service.stop();
        LOGGER.log(System.Logger.Level.INFO, "messages: stopped in {0,number,#} ms; database closed",
                   (System.nanoTime() - started) / 1_000_000);
        System.exit(0);
    }
}
