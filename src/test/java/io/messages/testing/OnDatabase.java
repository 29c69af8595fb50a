package io.messages.testing;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a Helidon {@code @ServerTest} or {@code @RoutingTest} class's service on a new, empty
 * database of this kind: {@link OnDatabaseExtension} opens its {@link TestService} before the
 * class, sets up the server as production does, hands the service to {@code @SetUpRoute},
 * constructor, {@code @BeforeEach} and test methods that take one, and closes it after the class.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OnDatabase {
    /** The kind of database. */
    TestDatabase value();

    /** Config overrides, each {@code key=value} with a flat key: {@code "db.group-commit.enabled=false"}. */
    String[] config() default {};
}
