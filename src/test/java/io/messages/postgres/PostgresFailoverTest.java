package io.messages.postgres;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.testing.ChildJvm;
import io.messages.testing.Http;
import io.messages.testing.PostgresNode;
import io.messages.testing.TcpProxy;
import io.messages.testing.TestConfig;
import io.messages.testing.Writers;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

/**
 * A real failover under load: a primary and a streaming standby (built with initdb and a cold
 * copy, as CloudNativePG's instances are), the primary killed with SIGKILL, the standby promoted.
 *
 * <p>The service reaches PostgreSQL through a TCP proxy that plays CloudNativePG's -rw Service:
 * one stable address that the operator moves to the promoted primary. That is what a pod gets;
 * a multi-host JDBC URL ({@code targetServerType=primary}) would test a client-side failover
 * that CloudNativePG does not hand the application.
 */
class PostgresFailoverTest {
    private static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(1);

    @Test
    void primaryKilledUnderThirtyTwoClientsLosesNoAcknowledgedWriteAndWritesResumeWithoutARestart() throws Exception {
        Outcome failover = failover(true);

        assertThat(failover.writers().unexpected(), is(empty()));
        assertThat(failover.readers().unexpected(), is(empty()));
        assertThat("the outage was answered 503", failover.writers().refused().size(), greaterThan(0));
        assertThat("no request hung", failover.writers().slowest(), lessThan(Duration.ofSeconds(5)));
        assertThat("no request hung", failover.readers().slowest(), lessThan(Duration.ofSeconds(5)));
        // The database is shared by every replica: readiness stays UP (reachable:false in its data)
        // so that the Service keeps answering fast 503s rather than refusing connections.
        assertThat("readiness stayed UP", failover.readiness(), everyItem(is(200)));
        assertThat("readiness was watched", failover.readiness(), is(not(empty())));
        assertThat("writes resume within 10 s of the promotion", failover.recovery(), lessThan(Duration.ofSeconds(10)));
        assertThat("no pooled connection is left on the dead primary", failover.burstFailures(), is(0));
        assertThat("every acknowledged write is on the new primary", failover.lost(), is(empty()));
        System.out.printf("failover (synchronous): %d writes acknowledged, %d refused, %d lost; writes back %d ms "
                                  + "after the promotion%n", failover.writers().acknowledged().size(),
                          failover.writers().refused().size(), failover.lost().size(), failover.recovery().toMillis());
    }

    /** The same failover without synchronous replication: what makes the test above meaningful. */
    @Test
    void withoutSynchronousReplicationTheSameFailoverLosesAcknowledgedWrites() throws Exception {
        Outcome failover = failover(false);

        assertThat(failover.lost(), is(not(empty())));
        System.out.printf("failover (asynchronous): %d writes acknowledged, %d lost%n",
                          failover.writers().acknowledged().size(), failover.lost().size());
    }

    private record Outcome(Writers writers, Writers readers, List<Integer> readiness, Duration recovery,
                           int burstFailures, Set<String> lost) {
    }

    private static Outcome failover(boolean synchronous) throws Exception {
        Path dir = TestConfig.tempDir();
        int primaryPort = ChildJvm.freePort();
        int standbyPort = ChildJvm.freePort();
        List<String> replication = List.of("wal_level = replica", "max_wal_senders = 4", "synchronous_commit = on");
        try (PostgresNode primary = PostgresNode.init(dir.resolve("primary"), primaryPort, replication);
             // The standby's link to the primary, which the test stalls as a slow network would.
             TcpProxy link = TcpProxy.to(primaryPort);
             TcpProxy readWrite = TcpProxy.to(primaryPort)) {
            primary.start();
            primary.execute("postgres", "CREATE DATABASE messages");
            primary.stop();
            try (PostgresNode standby = PostgresNode.standbyOf(primary, dir.resolve("standby"), standbyPort, link.port(),
                                                               "standby1")) {
                // Each commit waits for the standby's flush, once there is one to wait for.
                primary.configure(List.of("synchronous_standby_names = '" + (synchronous ? "standby1" : "") + "'"));
                primary.start();
                standby.start();
                awaitStreaming(primary);
                Service service = Main.start(TestConfig.postgres(
                        "jdbc:postgresql://127.0.0.1:" + readWrite.port() + "/messages",
                        Map.of("db.connection.connectionTimeout", String.valueOf(CONNECTION_TIMEOUT.toMillis()))));
                try {
                    return underLoad(service, primary, standby, link, readWrite);
                } finally {
                    service.stop();
                }
            }
        }
    }

    private static Outcome underLoad(Service service, PostgresNode primary, PostgresNode standby, TcpProxy link,
                                     TcpProxy readWrite) throws Exception {
        int admin = service.server().port("admin");
        List<Integer> readiness = new CopyOnWriteArrayList<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        Thread watcher = Thread.ofVirtual().start(() -> {
            while (watching.get()) {
                readiness.add(Http.get(admin, "/observe/health/ready").statusCode());
            }
        });
        Writers writers = Writers.start(service.port(), 16, Duration.ofMillis(5), (w, i) -> "w" + w + "-" + i);
        Writers readers = Writers.readers(service.port(), 16, Duration.ofMillis(5));
        Duration recovery;
        try (writers; readers) {
            Thread.sleep(1500);
            // The standby falls behind just before the primary dies: the case that loses writes
            // unless each commit waited for the standby.
            link.pause();
            Thread.sleep(300);
            primary.kill();
            Thread.sleep(1000); // the operator notices the loss and elects the standby
            standby.promote();
            readWrite.pointTo(standby.port());
            link.resume();
            long promoted = System.nanoTime();
            while (Http.get(service.port(), "/record?msg=after-promotion").statusCode() != 200) {
                assertThat("writes resume", System.nanoTime() - promoted, lessThan(TimeUnit.SECONDS.toNanos(30)));
                Thread.sleep(10);
            }
            recovery = Duration.ofNanos(System.nanoTime() - promoted);
            Thread.sleep(1000);
        }
        watching.set(false);
        watcher.join();
        Set<String> lost = new HashSet<>(writers.acknowledged());
        lost.removeAll(values(standby));
        return new Outcome(writers, readers, List.copyOf(readiness), recovery, burstFailures(service.port()), lost);
    }

    // Twice as many writes at once as the pool holds connections: each would fail on a dead one.
    private static int burstFailures(int port) throws Exception {
        List<Future<Integer>> burst = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 16; i++) {
                int n = i;
                burst.add(clients.submit(() -> Http.get(port, "/record?msg=burst-" + n).statusCode()));
            }
        }
        int failures = 0;
        for (Future<Integer> status : burst) {
            failures += status.get() == 200 ? 0 : 1;
        }
        return failures;
    }

    private static void awaitStreaming(PostgresNode primary) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (Connection connection = DriverManager.getConnection(primary.jdbcUrl("postgres"));
                 ResultSet rows = connection.createStatement()
                         .executeQuery("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")) {
                rows.next();
                if (rows.getInt(1) == 1) {
                    return;
                }
            }
            assertThat("the standby streams", System.nanoTime(), lessThan(deadline));
            Thread.sleep(50);
        }
    }

    private static Set<String> values(PostgresNode node) throws Exception {
        Set<String> values = new HashSet<>();
        try (Connection connection = DriverManager.getConnection(node.jdbcUrl("messages"));
             ResultSet rows = connection.createStatement().executeQuery("SELECT value FROM messages")) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
