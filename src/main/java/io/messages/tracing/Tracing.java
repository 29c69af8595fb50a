package io.messages.tracing;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.helidon.config.Config;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * The service's traces, set up from OpenTelemetry's own configuration keys, so that the standard
 * environment variables work: {@code OTEL_EXPORTER_OTLP_ENDPOINT} (config
 * {@code otel.exporter.otlp.endpoint}, e.g. {@code http://otel-collector:4318}; spans go to
 * its {@code /v1/traces}), {@code OTEL_EXPORTER_OTLP_PROTOCOL} (only {@code http/protobuf}) and
 * {@code OTEL_SERVICE_NAME} (default {@code messages}). Without an endpoint tracing is off: no
 * filter, no span, no cost.
 *
 * <p>OpenTelemetry's SDK directly, not Helidon's tracing: without an OpenTelemetry provider, not
 * published for the Helidon version pinned here, Helidon's tracing traces nothing (docs/design.md,
 * "Tracing").
 */
public final class Tracing implements AutoCloseable {
    private static final String SCOPE = "io.messages";

    private final Optional<Tracer> tracer;
    private final Optional<SdkTracerProvider> provider;

    private Tracing(Optional<Tracer> tracer, Optional<SdkTracerProvider> provider) {
        this.tracer = tracer;
        this.provider = provider;
    }

    /**
     * Tracing as configured under {@code otel} (see the class comment).
     *
     * @param otel the {@code otel} config node
     * @return tracing that exports over OTLP, or tracing that is off
     */
    public static Tracing from(Config otel) {
        Optional<String> endpoint = otel.get("exporter.otlp.endpoint").asString().asOptional()
                .filter(value -> !value.isBlank());
        if (endpoint.isEmpty()) {
            return off();
        }
        String protocol = otel.get("exporter.otlp.protocol").asString().orElse("http/protobuf");
        if (!protocol.equals("http/protobuf")) {
            throw new IllegalArgumentException("otel.exporter.otlp.protocol must be http/protobuf (OTLP over HTTP, "
                                                       + "port 4318 of a collector), not '" + protocol + "'");
        }
        SpanExporter exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(endpoint.get().replaceFirst("/?$", "/v1/traces"))
                .build();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"),
                        otel.get("service.name").asString().orElse("messages")))))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).setScheduleDelay(Duration.ofSeconds(1)).build())
                .build();
        OpenTelemetry openTelemetry = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
        return new Tracing(Optional.of(openTelemetry.getTracer(SCOPE)), Optional.of(provider));
    }

    /**
     * Tracing into {@code openTelemetry}, which its owner closes (tests: an SDK with an in-memory
     * exporter; an application that sets up OpenTelemetry itself).
     */
    public static Tracing of(OpenTelemetry openTelemetry) {
        return new Tracing(Optional.of(openTelemetry.getTracer(SCOPE)), Optional.empty());
    }

    /** No tracing. */
    public static Tracing off() {
        return new Tracing(Optional.empty(), Optional.empty());
    }

    /** The tracer, when tracing is on. */
    public Optional<Tracer> tracer() {
        return tracer;
    }

    /** Exports the spans still buffered and stops the exporter (when this owns it). */
    @Override
    public void close() {
        provider.ifPresent(p -> p.shutdown().join(5, TimeUnit.SECONDS));
    }
}
