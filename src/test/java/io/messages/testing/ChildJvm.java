package io.messages.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the service in a child JVM, as an operator would: the same JDK as the tests, the
 * project's config file, and either the packaged jar or {@code Main} from the test classpath.
 */
public final class ChildJvm {
    private static final Path CONFIG = Path.of("config", "application.yaml").toAbsolutePath();
    private static final String MAIN = "io.messages.app.Main";

    private ChildJvm() {
    }

    /** How the child runs the service. */
    public enum Launch {
        /** {@code java -jar target/messages.jar}: the artifact that ships (integration tests). */
        JAR,
        /** {@code java -cp <test classpath> Main}: before packaging (unit tests). */
        CLASSPATH
    }

    /**
     * The command line that starts the service with {@code options} (e.g. {@code -Dserver.port=0}).
     */
    public static List<String> command(Launch launch, String... options) {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseThrow());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Dmessages.config=" + CONFIG);
        command.addAll(List.of(options));
        if (launch == Launch.JAR) {
            command.add("-jar");
            command.add(System.getProperty("messages.jar", "target/messages.jar"));
        } else {
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(MAIN);
        }
        return command;
    }

    /** How a child JVM ended: its exit status and what it wrote. */
    public record Exit(int status, String stdout, String stderr) {
        /** What it wrote to stderr, without the JVM's own notices (lines starting "WARNING:"). */
        public List<String> errorLines() {
            return stderr.lines().filter(line -> !line.startsWith("WARNING:")).toList();
        }
    }

    /**
     * Runs the service ({@link Launch#CLASSPATH}) with {@code options} (system properties) and
     * program {@code args}, in an environment without SERVER_* and DB_* variables plus {@code env},
     * and waits (60 s at most) for it to exit.
     */
    public static Exit runToExit(Map<String, String> env, List<String> args, String... options) throws Exception {
        // Files, not pipes: a child writing more than a pipe holds would block while we wait.
        Path out = Files.createTempFile("child", ".out");
        Path err = Files.createTempFile("child", ".err");
        Process process = builder(env, args, options)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service did not exit within 60 s");
        }
        return new Exit(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts the service like {@link #runToExit}, without waiting; its stdout is discarded. */
    public static Process start(Map<String, String> env, List<String> args, String... options) throws IOException {
        return builder(env, args, options).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** Starts the service like {@link #start}, its stdout and stderr together in {@code output}. */
    public static Process start(Path output, String... options) throws IOException {
        return builder(Map.of(), List.of(), options).redirectErrorStream(true).redirectOutput(output.toFile()).start();
    }

    private static ProcessBuilder builder(Map<String, String> env, List<String> args, String... options) {
        List<String> command = new ArrayList<>(command(Launch.CLASSPATH, options));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("SERVER_") || name.startsWith("DB_"));
        builder.environment().putAll(env);
        return builder;
    }

    // How long a wait for a state (a child JVM up, a status reached) may take before the test fails:
    // a bound against hanging, not a speed target. A JVM starting on a loaded 2-core CI machine
    // took more than 30 s once (ResponseMemoryTest: "no answer on port").
    private static final int PATIENCE_SECONDS = 90;

    /**
     * Asks {@code path} on 127.0.0.1:{@code port} until it answers 200 ({@value #PATIENCE_SECONDS} s
     * at most): a health path of a service that is starting (and warming up).
     *
     * @return the first 200 answer, or the last answer when none came in time
     */
    public static HttpResponse<String> awaitOk(int port, String path) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        HttpResponse<String> answer = awaitAnswer(port, path);
        while (answer.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
            answer = awaitAnswer(port, path);
        }
        return answer;
    }

    /** A TCP port that was free a moment ago. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Asks {@code path} until it answers {@code status} ({@value #PATIENCE_SECONDS} s at most).
     *
     * @return the first answer with that status, or the last answer when none came in time
     */
    public static HttpResponse<String> awaitStatus(int port, String path, int status) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        HttpResponse<String> answer = awaitAnswer(port, path);
        while (answer.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            answer = awaitAnswer(port, path);
        }
        return answer;
    }

    /**
     * Sends {@code GET path} to 127.0.0.1:{@code port} until the server answers
     * ({@value #PATIENCE_SECONDS} s at most).
     *
     * @return the first answer
     */
    public static HttpResponse<String> awaitAnswer(int port, String path) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        // A timeout, so that a server that never answers fails the test instead of hanging it.
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(PATIENCE_SECONDS);
        while (true) {
            try {
                return http.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new UncheckedIOException("no answer on port " + port, e);
                }
                Thread.sleep(100);
            }
        }
    }
}
