package io.messages.tracing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.messages.app.Main;
import io.messages.app.Service;
import io.messages.db.Engine;
import io.messages.db.RequestTransaction;
import io.messages.http.Connections;
import io.messages.http.StrictHttp1;
import io.messages.message.MessageStore;
import io.messages.testing.CommitFailure;
import io.messages.testing.LogLines;
import io.messages.testing.TestConfig;
import io.messages.web.TransactionFilter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

/** The spans of real requests on a real server and SQLite file, kept by the SDK's in-memory exporter. */
class TracingTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String CALLER = "00f067aa0ba902b7";

    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .build();
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Runnable> stops = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        stops.forEach(Runnable::run);
        openTelemetry.close();
    }

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {true, false})
    void recordIsOneServerSpanWithItsStatementAndCommitAsChildrenInTheCallersTrace(boolean groupCommit) throws Exception {
        Service service = Main.start(config(groupCommit), Tracing.of(openTelemetry));
        stops.add(service::stop);

        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + service.port()
                                                                                         + "/record?msg=traced"))
                                                     .header("traceparent", "00-" + TRACE + "-" + CALLER + "-01").build(),
                                             HttpResponse.BodyHandlers.ofString());

        assertThat(res.body(), is("Recorded: traced"));
        SpanData request = await("GET /record");
        assertThat(request.getKind(), is(SpanKind.SERVER));
        assertThat("continues the caller's trace", request.getTraceId(), is(TRACE));
        assertThat(request.getParentSpanId(), is(CALLER));
        assertThat(request.getAttributes().get(AttributeKey.stringKey("http.route")), is("/record"));
        assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(200L));
        assertThat(request.getAttributes().get(AttributeKey.stringKey("messages.transaction")), is("committed"));
        assertThat(request.getStatus().getStatusCode(), is(StatusCode.UNSET));

        SpanData insert = only("insert-message");
        assertThat(insert.getKind(), is(SpanKind.CLIENT));
        assertThat(insert.getParentSpanId(), is(request.getSpanId()));
        assertThat(insert.getAttributes().get(AttributeKey.stringKey("db.query.text")),
                   containsString("INSERT INTO messages"));
        assertThat("the values are not in the trace", insert.getAttributes().toString(), not(containsString("traced")));
        SpanData commit = only("commit");
        assertThat(commit.getParentSpanId(), is(request.getSpanId()));
        List<String> names = spans.getFinishedSpanItems().stream().map(SpanData::getName).toList();
        if (groupCommit) {
            assertThat(only("group commit wait").getParentSpanId(), is(commit.getSpanId()));
        } else {
            assertThat(names, not(hasItem("group commit wait")));
        }
        assertThat(names, not(hasItem("rollback")));
    }

    @ParameterizedTest(name = "group commit {0}")
    @ValueSource(booleans = {true, false})
    void aRequestWhoseCommitFailsIsMarkedRolledBackAndItsLogLineNamesItsTrace(boolean groupCommit) throws Exception {
        Config config = config(groupCommit);
        Tracing tracing = Tracing.of(openTelemetry);
        Engine engine = Engine.open(config.get("db"), tracing);
        CommitFailure.prepare(engine);
        Connections connections = Main.connections(config);
        WebServer server = StrictHttp1.server(config.get("server"), connections)
                .routing(routing -> {
                    RequestTracing.of(tracing, Set.of("/test/commit-fails")).ifPresent(routing::addFilter);
                    Main.routing(routing, config, engine)
                            .get("/test/commit-fails", (req, res) -> {
                                RequestTransaction tx = TransactionFilter.transactionOf(req);
                                new MessageStore().add(tx, "written, then the commit failed");
                                CommitFailure.plant(tx);
                                res.send("claimed success");
                            });
                })
                .build()
                .start();
        stops.add(server::stop);
        LogLines errors = LogLines.of("io.messages.web.ErrorResponses");
        try {
            HttpResponse<String> res = http.send(
                    HttpRequest.newBuilder(URI.create("http://localhost:" + server.port() + "/test/commit-fails")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode(), is(500));

            SpanData request = await("GET /test/commit-fails");
            assertThat(request.getStatus().getStatusCode(), is(StatusCode.ERROR));
            assertThat(request.getAttributes().get(AttributeKey.stringKey("messages.transaction")), is("rolled_back"));
            assertThat(request.getAttributes().get(AttributeKey.longKey("http.response.status_code")), is(500L));
            SpanData commit = only("commit");
            assertThat(commit.getParentSpanId(), is(request.getSpanId()));
            assertThat(commit.getStatus().getStatusCode(), is(StatusCode.ERROR));
            assertThat(errors.lines().toString(),
                       errors.lines().stream().anyMatch(line -> line.contains("(trace " + request.getTraceId() + ")")), is(true));
        } finally {
            errors.close();
        }
    }

    @ParameterizedTest(name = "otel endpoint ''{0}''")
    @ValueSource(strings = {"", " "})
    void withoutAnEndpointTracingIsOff(String endpoint) {
        Tracing tracing = Tracing.from(Config.just(io.helidon.config.ConfigSources.create(
                Map.of("exporter.otlp.endpoint", endpoint))));

        assertThat(tracing.tracer(), is(Optional.empty()));
        assertThat(RequestTracing.of(tracing, Set.of("/")), is(Optional.empty()));
    }

    private static Config config(boolean groupCommit) {
        return TestConfig.sqlite(TestConfig.tempDir().resolve("messages.db"),
                                 Map.of("db.group-commit.enabled", String.valueOf(groupCommit)));
    }

    // The request's span ends once its response is sent: shortly after the client has it.
    private SpanData await(String name) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            Optional<SpanData> span = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).findFirst();
            if (span.isPresent()) {
                return span.get();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no span " + name + " in " + spans.getFinishedSpanItems());
    }

    private SpanData only(String name) {
        List<SpanData> found = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(name + " in " + spans.getFinishedSpanItems(), found.size(), is(1));
        return found.getFirst();
    }
}
