package io.messages.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.messages.testing.ChildJvm;
import io.messages.testing.TestConfig;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/**
 * The AOT cache is a speed-up, never a condition: a JVM given a cache that is missing, stale
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
}
