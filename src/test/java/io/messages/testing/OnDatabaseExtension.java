package io.messages.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.Router;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.spi.ServerFeature;
import io.helidon.webserver.testing.junit5.spi.DirectJunitExtension;
import io.helidon.webserver.testing.junit5.spi.ServerJunitExtension;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * What {@link OnDatabase} does, as an extension of Helidon Testing (its SPI, registered in
 * {@code META-INF/services}): for a class annotated with it, the {@link TestService} on that
 * database, open from before the class's server starts until after its last test. A
 * {@code @ServerTest}'s server gets production's settings, the public socket included; the routes
 * are the test's own {@code @SetUpRoute}, which reuses the production routing through the
 * {@code TestService} it is given ({@link TestService#routing}), as a {@code @RoutingTest}'s does.
 *
 * <p>Helidon makes one instance per test class, so the service is a field.
 */
public final class OnDatabaseExtension implements ServerJunitExtension, DirectJunitExtension {
    private @Nullable TestService service;

    // Once per class: Helidon 4.5's @RoutingTest calls this before each test as well (from its
    // beforeEach), and a new service there would not be the one its routing was given.
    @Override
    public void beforeAll(ExtensionContext context) {
        if (service != null) {
            return;
        }
        service = context.getTestClass()
                .flatMap(type -> AnnotationSupport.findAnnotation(type, OnDatabase.class))
                .map(database -> TestService.on(database.value(), overrides(database.config())))
                .orElse(null);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (service != null) {
            service.close();
            service = null;
        }
    }

    @Override
    public void updateServerBuilder(WebServerConfig.Builder server) {
        if (service != null) {
            service.server(server);
        }
    }

    // Helidon calls this before each @SetUpRoute method of the socket, and only then: a
    // @ServerTest here has one anyway, for the production routing. It is given the builder that
    // Helidon copies over the server's default socket once all have run; the connection selector
    // cannot go on the server's builder instead, where it would end up twice
    // (StrictHttp1#serverWide says why). The settings replace what was there, so a second
    // @SetUpRoute for the public socket leaves them as they were.
    @Override
    public void updateListenerBuilder(String socketName, ListenerConfig.Builder socket, Router.RouterBuilder<?> router) {
        if (service != null && socketName.equals(WebServer.DEFAULT_SOCKET_NAME)) {
            service.socket(socket);
        }
    }

    @Override
    public Optional<ServerJunitExtension.ParamHandler<?>> setUpRouteParamHandler(Class<?> type) {
        ServerJunitExtension.ParamHandler<TestService> handler = (socketName, server, socket, router) -> service();
        return type == TestService.class ? Optional.of(handler) : Optional.empty();
    }

    @Override
    public Optional<DirectJunitExtension.ParamHandler<?>> setUpRouteParamHandler(List<ServerFeature> features, Class<?> type) {
        DirectJunitExtension.ParamHandler<TestService> handler = socketName -> service();
        return type == TestService.class ? Optional.of(handler) : Optional.empty();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return service != null && parameter.getParameter().getType() == TestService.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context, Class<?> type, WebServer server) {
        return service();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context, Class<?> type) {
        return service();
    }

    private TestService service() {
        if (service == null) {
            throw new IllegalStateException("A TestService is given to test classes annotated @" + OnDatabase.class.getSimpleName());
        }
        return service;
    }

    private static Map<String, String> overrides(String[] settings) {
        Map<String, String> overrides = new HashMap<>();
        for (String setting : settings) {
            int equals = setting.indexOf('=');
            if (equals < 1) {
                throw new IllegalArgumentException("Not key=value: " + setting);
            }
            overrides.put(setting.substring(0, equals), setting.substring(equals + 1));
        }
        return overrides;
    }
}
