package io.messages.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.EmbeddedPostgresServer;
import io.messages.testing.Http;
import io.messages.testing.TcpProxy;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * A rolling restart on PostgreSQL as Kubernetes runs one (maxSurge 1, maxUnavailable 0), on the
 * packaged jar: two instances behind a proxy that plays the Service. Like kube-proxy, it sends
 * new connections round robin, adds a pod once its readiness is UP, and goes on sending new
 * connections to a pod for 2 s after its readiness went DOWN before it drops it (the time every
 * node takes to learn of it). Under 16 clients, each instance is replaced in turn: a new one
 * starts and becomes ready, then the old one gets SIGTERM.
 */
class RollingRestartIT {
    private static final Duration PROPAGATION = Duration.ofSeconds(2);

    @Test
    void rollingRestartUnderLoadFailsNoRequestAndLosesNoWrite() throws Exception {
        Restart restart = rollingRestart(Duration.ofSeconds(4));

        assertThat(restart.writers().unexpected(), is(empty()));
        assertThat(restart.writers().refused(), is(empty()));
        assertThat(restart.readers().unexpected(), is(empty()));
        assertThat(restart.readers().refused(), is(empty()));
        assertThat(restart.writers().acknowledged().size(), greaterThan(100));
        assertThat("acknowledged writes missing", restart.missing(), is(empty()));
    }

    /** The same restart with the drain delay off: what the test above guards against. */
    @Test
    void withoutTheDrainDelayTheSameRestartFailsRequests() throws Exception {
        Restart restart = rollingRestart(Duration.ZERO);

        List<String> failed = new ArrayList<>(restart.writers().unexpected());
        failed.addAll(restart.readers().unexpected());
        assertThat(failed, is(not(empty())));
        assertThat("failed, yet nothing acknowledged was lost", restart.missing(), is(empty()));
    }

    private record Restart(Writers writers, Writers readers, Set<String> missing) {
    }

    private static Restart rollingRestart(Duration drainDelay) throws Exception {
        String url = EmbeddedPostgresServer.newDatabase();
        List<Instance> running = new ArrayList<>(List.of(Instance.start(url, drainDelay), Instance.start(url, drainDelay)));
        try (TcpProxy service = TcpProxy.to(running.get(0).port())) {
            service.add(running.get(1).port());
            // Clients that open a connection for every request and never retry: each request is a new
            // connection that the Service may send to a pod that is going away.
            Writers writers = Writers.start(service.port(), 8, Duration.ofMillis(2), (w, i) -> "w" + w + "-" + i,
                                            Writers.Fetcher.FRESH_CONNECTION);
            Writers readers = Writers.readers(service.port(), 8, Duration.ofMillis(2), Writers.Fetcher.FRESH_CONNECTION);
            try (writers; readers) {
                Thread.sleep(1500);
                for (Instance old : List.copyOf(running)) {
                    Instance replacement = Instance.start(url, drainDelay);
                    running.add(replacement);
                    service.add(replacement.port());
                    old.stop(service);
                    running.remove(old);
                    Thread.sleep(1000);
                }
                Thread.sleep(1000);
            }
            Set<String> listed = Http.listedMessages(service.port());
            Set<String> missing = new HashSet<>(writers.acknowledged());
            missing.removeAll(listed);
            System.out.printf("rolling restart, drain delay %s: %d writes and %d reads answered, %d failed%n", drainDelay,
                              writers.acknowledged().size(), readers.acknowledged().size(),
                              writers.unexpected().size() + readers.unexpected().size() + writers.refused().size()
                                      + readers.refused().size());
            return new Restart(writers, readers, missing);
        } finally {
            running.forEach(Instance::kill);
        }
    }

    // One instance of the packaged jar, as a pod.
    private record Instance(Process process, int port, int admin, Path log) {
        static Instance start(String url, Duration drainDelay) throws IOException, InterruptedException {
            // A port free a moment ago may be taken by then: the clients' fresh connection per
            // request use thousands of ephemeral ports. An instance that could not bind exits;
            // another is started on other ports.
            for (int attempt = 1; ; attempt++) {
                int port = ChildJvm.freePort();
                int admin = ChildJvm.freePort();
                Path log = Files.createTempFile("messages-rolling", ".log");
                Process process = new ProcessBuilder(ChildJvm.command(
                        ChildJvm.Launch.JAR, "-Dserver.port=" + port, "-Dserver.sockets.0.port=" + admin,
                        "-Ddb.connection.url=" + url, "-Ddb.connection.username=postgres",
                        "-Dmessages.drain-delay=" + drainDelay))
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
                Instance instance = new Instance(process, port, admin, log);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!instance.ready() && process.isAlive()) {
                    assertThat("the new instance became ready", System.nanoTime(), is(lessThan(deadline)));
                    Thread.sleep(50);
                }
                if (process.isAlive() || attempt == 3 || !Files.readString(log).contains("Address already in use")) {
                    assertThat(Files.readString(log), process.isAlive(), is(true));
                    return instance;
                }
            }
        }

        // SIGTERM, then what kube-proxy does: the Service drops the pod PROPAGATION after its
        // readiness went DOWN.
        void stop(TcpProxy service) throws Exception {
            process.destroy();
            while (ready() && process.isAlive()) {
                Thread.sleep(20);
            }
            Thread.sleep(PROPAGATION);
            service.remove(port);
            assertThat("the stopping instance exits by itself", process.waitFor(30, TimeUnit.SECONDS), is(true));
            assertThat(Files.readString(log), process.exitValue(), is(0));
        }

        boolean ready() {
            try {
                return Http.get(admin, "/observe/health/ready").statusCode() == 200;
            } catch (RuntimeException e) {
                return false;
            }
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
