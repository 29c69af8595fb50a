package io.messages.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.messages.testing.ChildJvm;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/**
 * The AOT cache is used by every documented way of starting the service, and it is a speed-up,
 * never a condition: a JVM given a cache that is missing, stale
 * (made for another classpath: the build's cache is for the packaged jar, this runs the classes
 * directly) or broken reports it and starts without it. (The image's own start command, with a
 * cache path that does not exist on this machine, runs in KubernetesManifestsIT.)
 */
class AotCacheIT {

    @Test
    void missingStaleOrBrokenCacheNeverStopsTheStart() throws Exception {
        Path stale = Path.of(System.getProperty("messages.jar", "target/messages.jar")).resolveSibling("messages.aot");
        assertThat("the build made a cache", Files.isRegularFile(stale), is(true));
        Path broken = TestConfig.tempDir().resolve("broken.aot");
        Files.write(broken, new byte[] {1, 2, 3});
        for (Path cache : List.of(TestConfig.tempDir().resolve("missing.aot"), stale, broken)) {
            int port = ChildJvm.freePort();
            int admin = ChildJvm.freePort();
            Process process = ChildJvm.start(Map.of(), List.of(), "-XX:+IgnoreUnrecognizedVMOptions",
                                             "-XX:AOTCache=" + cache, "-Dserver.port=" + port,
                                             "-Dserver.sockets.0.port=" + admin, "-Dmessages.warm-up.enabled=false",
                                             "-Ddb.connection.url=jdbc:sqlite:" + TestConfig.tempDir().resolve("m.db"));
            try {
                assertThat(cache.toString(), ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
                assertThat(ChildJvm.awaitAnswer(port, "/record?msg=aot").body(), is("Recorded: aot"));
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * README's fast start, and the run command's own (the exec plugin's arguments in the pom),
     * each run as documented with {@code -XX:AOTMode=on}, which makes the JVM exit instead of
     * starting cold when it cannot use the cache (a mismatch of the options the cache records,
     * such as native access, used to make it start cold, silently).
     */
    @Test
    void everyDocumentedStartUsesTheCacheTheBuildMade() throws Exception {
        List<List<String>> documented = new ArrayList<>(documentedCommands());
        documented.add(runCommand());
        for (List<String> command : documented) {
            int port = ChildJvm.freePort();
            int admin = ChildJvm.freePort();
            List<String> started = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                                                           "-XX:AOTMode=on", "-Dserver.port=" + port,
                                                           "-Dserver.sockets.0.port=" + admin,
                                                           "-Dmessages.warm-up.enabled=false",
                                                           "-Dmessages.config=config/application.yaml",
                                                           "-Ddb.connection.url=jdbc:sqlite:"
                                                                   + TestConfig.tempDir().resolve("m.db")));
            started.addAll(command.subList(1, command.size()));
            Path log = Files.createTempFile("aot", ".log");
            Process process = new ProcessBuilder(started).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                assertThat(String.join(" ", command) + "\n" + Files.readString(log),
                           ChildJvm.awaitOk(admin, "/observe/health/ready").statusCode(), is(200));
                assertThat(process.isAlive(), is(true));
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // Every `java ... -XX:AOTCache=target/messages.aot ...` in README.md and docs/, as words.
    private static List<List<String>> documentedCommands() throws Exception {
        Pattern command = Pattern.compile("`(java [^`]*-XX:AOTCache=target/messages\\.aot[^`]*)`");
        List<List<String>> found = new ArrayList<>();
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            for (Path file : Stream.concat(Stream.of(Path.of("README.md")), docs).toList()) {
                Matcher m = command.matcher(Files.readString(file));
                while (m.find()) {
                    found.add(List.of(m.group(1).split("\\s+")));
                }
            }
        }
        assertThat("README documents the fast start", found, is(not(empty())));
        return found;
    }

    // `mvn exec:exec` (README's run command): java and the exec plugin's own arguments.
    private static List<String> runCommand() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        String run = pom.substring(pom.lastIndexOf("<arguments combine.self=\"override\">"));
        run = run.substring(0, run.indexOf("</arguments>"));
        List<String> command = new ArrayList<>(List.of("java"));
        Matcher argument = Pattern.compile("<argument>([^<]*)</argument>").matcher(run);
        while (argument.find()) {
            command.add(argument.group(1).replace("${project.build.directory}", "target")
                                .replace("${project.build.finalName}", "messages"));
        }
        return command;
    }
}
