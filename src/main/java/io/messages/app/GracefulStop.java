package io.messages.app;

import java.util.concurrent.atomic.AtomicBoolean;

// jdk.unsupported: the supported way to handle a signal; javac notes it as internal API.
import sun.misc.Signal;

/**
 * Stops the service on SIGTERM (Kubernetes) or SIGINT (Ctrl-C) ({@link Service#stop()}):
 * readiness DOWN and clients asked to leave while it keeps serving for the drain delay, then the
 * server stops accepting connections, lets in-flight requests finish within
 * {@code server.shutdown-grace-period} (their transactions commit or roll back as usual), closes
 * the database pool, and the process exits 0. The JVM's default would run the same shutdown but
 * exit 143, which reads as a failure.
 */
final class GracefulStop {
    private static final System.Logger LOGGER = System.getLogger(GracefulStop.class.getName());

    private GracefulStop() {
    }

    static void onSignals(Service service) {
        AtomicBoolean stopping = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (stopping.compareAndSet(false, true)) {
                    // Not on the signal's own thread: it is a daemon, and the JVM would exit as
                    // soon as the server's last thread ends, cutting the stop short.
                    Thread.ofPlatform().name("messages-stop").daemon(false)
                            .start(() -> stop(service, "SIG" + signal.getName()));
                }
            });
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
