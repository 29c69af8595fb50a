package io.messages.db;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import io.messages.testing.TestDatabase;
import io.messages.testing.TestService;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;

/**
 * Group commit on SQLite with batches of at most two requests: a batch that is full is committed
 * without waiting for max-wait (longer here than any request is held).
 */
@ServerTest
class GroupCommitMaxBatchTest extends GroupCommitSuite {
    @RegisterExtension
    static final TestService SERVICE = TestService.on(TestDatabase.SQLITE, Map.of("db.group-commit.max-batch", "2", "db.group-commit.max-wait", "PT1M"));

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        SERVICE.server(server);
    }

    @SetUpRoute
    static void routing(ListenerConfig.Builder socket, HttpRouting.Builder routing) {
        routing(SERVICE, socket, routing);
    }

    @Test
    void batchIsCommittedWhenItHoldsMaxBatchRequests() throws Exception {
        long commitsBefore = engine.counts().databaseCommits();
        Hold first = hold("first");
        CompletableFuture<HttpResponse<String>> holder = get("/test/hold?msg=first");
        awaitWritten(first);
        List<CompletableFuture<HttpResponse<String>>> queued = queue("/record?msg=2", "/record?msg=3", "/record?msg=4");

        first.release().countDown();

        assertThat(answer(holder), is("200 held first"));
        assertThat(answers(queued), contains("200 Recorded: 2", "200 Recorded: 3", "200 Recorded: 4"));
        assertThat(engine.counts().databaseCommits() - commitsBefore, is(2L));
    }
}
