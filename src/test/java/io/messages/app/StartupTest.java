package io.messages.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.Scrape;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * Starts the real {@link Main} as a child JVM (same JDK and classpath as the tests), as an
 * operator would: with bad config it must say why in one line and exit non-zero; environment
 * variables must override config keys.
 */
class StartupTest {
    @Test
    void badPortFailsWithOneLineAndExitStatus2() throws Exception {
        ChildJvm.Exit result = run(Map.of(), "-Dserver.port=not-a-port", sqliteUrlProperty());

        assertThat(result.status(), is(2));
        assertOneClearLine(result, "not-a-port");
    }

    @Test
    void portOutOfRangeFailsWithOneLineAndExitStatus2() throws Exception {
        ChildJvm.Exit result = run(Map.of(), "-Dserver.port=70000", sqliteUrlProperty());

        assertThat(result.status(), is(2));
        assertOneClearLine(result, "70000");
    }

    @Test
    void unknownDatabaseSourceFailsWithOneLineAndExitStatus2() throws Exception {
        ChildJvm.Exit result = run(Map.of(), "-Ddb.source=nosuchdb", sqliteUrlProperty());

        assertThat(result.status(), is(2));
        assertOneClearLine(result, "nosuchdb");
    }

    @Test
    void unusableDatabasePathFailsWithOneLineAndExitStatus2() throws Exception {
        Path file = Files.createFile(TestConfig.tempDir().resolve("a-file"));

        ChildJvm.Exit result = run(Map.of(), "-Ddb.connection.url=jdbc:sqlite:" + file.resolve("messages.db"));

        assertThat(result.status(), is(2));
        assertOneClearLine(result, "cannot create the database directory");
    }

    @Test
    void missingConfigFileFailsWithOneLineAndExitStatus2() throws Exception {
        ChildJvm.Exit result = run(Map.of(), "-Dmessages.config=/nonexistent/application.yaml");

        assertThat(result.status(), is(2));
        assertOneClearLine(result, "cannot read the config file /nonexistent/application.yaml");
    }

    @Test
    void environmentVariablesOverridePortsDatabaseUrlAndPoolSize() throws Exception {
        int port = ChildJvm.freePort();
        int adminPort = ChildJvm.freePort();
        Path db = TestConfig.tempDir().resolve("from-env.db");
        // Environment variables reach the config in lower case: db.connection.maximumpoolsize
        // must still override the file's maximumPoolSize (8), as the Kubernetes overlay does.
        // Ready without the warm-up, which has a test of its own (ops/WarmUpTest).
        Process process = start(Map.of("SERVER_PORT", String.valueOf(port),
                                       "SERVER_SOCKETS_0_PORT", String.valueOf(adminPort),
                                       "DB_CONNECTION_URL", "jdbc:sqlite:" + db,
                                       "DB_CONNECTION_MAXIMUMPOOLSIZE", "3"),
                                "-Dmessages.warm-up.enabled=false");
        try {
            HttpResponse<String> res = ChildJvm.awaitAnswer(port, "/record?msg=env");
            HttpResponse<String> ready = ChildJvm.awaitOk(adminPort, "/observe/health/ready");

            assertThat(res.body(), is("Recorded: env"));
            assertThat(Files.isRegularFile(db), is(true));
            assertThat(ready.statusCode(), is(200));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            double total;
            while ((total = poolTotal(adminPort)) < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat("the pool fills to the size from the environment", total, is(3.0));
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }


    @Test
    void sigtermDuringStartUpStopsAtOnceWithOneLineAndExitStatus0() throws Exception {
        // A database server that takes connections and never answers: start-up waits on it (until
        // the driver's read timeout, 30 s), so the signal surely comes before anything is served.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            silent.setSoTimeout(90_000);
            Path output = Files.createTempFile(TestConfig.tempDir(), "child", ".log");
            Process child = ChildJvm.start(output, "-Dserver.port=" + ChildJvm.freePort(),
                                           "-Dserver.sockets.0.port=" + ChildJvm.freePort(),
                                           "-Ddb.connection.url=jdbc:postgresql://127.0.0.1:" + silent.getLocalPort()
                                                   + "/messages?user=messages");
            try (Socket opening = silent.accept()) {
                assertThat("start-up is opening its database", opening.isConnected(), is(true));
                child.destroy();
                assertThat("exited within 60 s of SIGTERM", child.waitFor(60, TimeUnit.SECONDS), is(true));
                String log = Files.readString(output);
                assertThat(log, child.exitValue(), is(0));
                assertThat(log, containsString("messages: stopped on SIGTERM during start-up, before serving"));
                assertThat(log, not(containsString("messages: serving")));
            } finally {
                child.destroyForcibly();
            }
        }
    }

    private static double poolTotal(int adminPort) throws InterruptedException {
        return new Scrape(ChildJvm.awaitAnswer(adminPort, "/observe/metrics").body())
                .value("messages_db_pool_connections", "state=\"total\"");
    }

    private static void assertOneClearLine(ChildJvm.Exit result, String says) {
        List<String> lines = result.errorLines();
        assertThat(result.stderr(), lines, hasSize(1));
        assertThat(lines.getFirst(), containsString("messages: cannot start: "));
        assertThat(lines.getFirst(), containsString(says));
        assertThat(result.stderr(), not(containsString("\tat ")));
    }

    private static String sqliteUrlProperty() {
        return "-Ddb.connection.url=jdbc:sqlite:" + TestConfig.tempDir().resolve("messages.db");
    }

    private static ChildJvm.Exit run(Map<String, String> env, String... properties) throws Exception {
        return ChildJvm.runToExit(env, List.of(), properties);
    }

    private static Process start(Map<String, String> env, String... properties) throws IOException {
        return ChildJvm.start(env, List.of(), properties);
    }
}
