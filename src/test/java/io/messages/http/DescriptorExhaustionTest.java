package io.messages.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * A flood of connections against a service whose process may open few files (a child JVM under
 * {@code prlimit --nofile}): more connections than it has descriptors. With the default cap,
 * derived from that limit, it never runs out of descriptors, serves during the flood and after
 * it; with a cap set above what the limit allows, Helidon's listener dies of the failed accept,
 * and liveness says so, so that Kubernetes restarts the pod.
 */
class DescriptorExhaustionTest {
    private static final int OPEN_FILES = 1024;
    private static final int FLOOD = 2_000;

    @Test
    void listenerWithTheDefaultCapOutlastsAFloodLargerThanItsDescriptorsAndServesDuringAndAfterIt() throws Exception {
        try (Child child = Child.start()) {
            List<Socket> flood = flood(child.port);
            try {
                assertThat("more connections than the child has descriptors", flood.size(), greaterThan(OPEN_FILES));
                HttpResponse<String> during = ChildJvm.awaitAnswer(child.port, "/record?msg=during-the-flood");
                assertThat(during.statusCode(), is(200));
            } finally {
                close(flood);
            }
            assertThat(ChildJvm.awaitAnswer(child.port, "/record?msg=after-the-flood").body(), is("Recorded: after-the-flood"));
            assertThat(ChildJvm.awaitAnswer(child.admin, "/observe/health/live").statusCode(), is(200));
            assertThat(child.log(), not(containsString("terminating")));
            assertThat(child.log(), not(containsString("Too many open files")));
        }
    }

    @Test
    void livenessGoesDownWithAReasonWhenThePublicListenerDiesOfTheFailedAccept() throws Exception {
        // Above what 1,024 descriptors allow: the listener accepts until accept fails.
        try (Child child = Child.start("-Dmessages.connections.max=100000")) {
            close(flood(child.port));
            HttpResponse<String> live = ChildJvm.awaitStatus(child.admin, "/observe/health/live", 503);

            assertThat(child.log(), containsString("Too many open files"));
            assertThat(live.statusCode(), is(503));
            assertThat(live.body(), containsString("\"name\":\"public-listener\",\"status\":\"DOWN\""));
            assertThat(live.body(), containsString("the public port stopped accepting connections"));
        }
    }

    // Opens FLOOD connections to port, giving up on one that is refused or finds no room in the backlog.
    private static List<Socket> flood(int port) {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < FLOOD; i++) {
            Socket socket = new Socket();
            try {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1_000);
                sockets.add(socket);
            } catch (IOException e) {
                close(List.of(socket));
            }
        }
        return sockets;
    }

    private static void close(List<Socket> sockets) {
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    // The service in a child JVM allowed OPEN_FILES open files, its output in a file.
    private record Child(Process process, int port, int admin, Path output) implements AutoCloseable {
        static Child start(String... options) throws Exception {
            int port = ChildJvm.freePort();
            int admin = ChildJvm.freePort();
            Path output = Files.createTempFile("descriptors", ".log");
            List<String> command = new ArrayList<>(List.of("prlimit", "--nofile=" + OPEN_FILES + ":" + OPEN_FILES, "--"));
            List<String> all = new ArrayList<>(List.of("-Dserver.port=" + port, "-Dserver.sockets.0.port=" + admin,
                                                       "-Dserver.shutdown-grace-period=PT0.5S",
                                                       "-Dmessages.warm-up.enabled=false",
                                                       "-Ddb.connection.url=jdbc:sqlite:"
                                                               + TestConfig.tempDir().resolve("m.db")));
            all.addAll(List.of(options));
            command.addAll(ChildJvm.command(ChildJvm.Launch.CLASSPATH, all.toArray(String[]::new)));
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            Child child = new Child(process, port, admin, output);
            assertThat(child.log(), ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
            return child;
        }

        String log() throws IOException {
            return Files.readString(output);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
