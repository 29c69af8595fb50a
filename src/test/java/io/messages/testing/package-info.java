/**
 * The project's own test helpers, for what Helidon Testing does not give.
 *
 * <p>HTTP suites are Helidon {@code @ServerTest} (a real socket) or {@code @RoutingTest} (the same
 * routing, in memory) classes annotated {@link io.messages.testing.OnDatabase}: through Helidon
 * Testing's extension SPI, {@link io.messages.testing.OnDatabaseExtension} gives each a
 * {@link io.messages.testing.TestService} on a new database of that
 * {@link io.messages.testing.TestDatabase} kind, sets up the server and its public socket as
 * production does, and hands the service to the class's {@code @SetUpRoute} (which adds the
 * production routing, then any test routes), constructor, {@code @BeforeEach} and test methods. A
 * suite that must hold on every database is an abstract class with one annotated subclass per
 * database, since Helidon starts one server per test class.
 *
 * <p>What remains here, and why:
 * <ul>
 *     <li>{@link io.messages.testing.TestDatabase}, {@link io.messages.testing.TestConfig},
 *     {@link io.messages.testing.EmbeddedPostgresServer}: the project's real config file on a fresh
 *     SQLite file or a fresh database in one embedded PostgreSQL per test JVM; Helidon Testing
 *     knows no database.</li>
 *     <li>{@link io.messages.testing.ChildJvm}: the service as a process (exit statuses, signals,
 *     {@code kill -9}, the packaged jar, environment variables), which no in-process server shows.</li>
 *     <li>{@link io.messages.testing.PostgresNode}, {@link io.messages.testing.TcpProxy}: PostgreSQL
 *     servers of our own (primary, standby, failover) and a stand-in for a Kubernetes Service.</li>
 *     <li>{@link io.messages.testing.RawHttp}: exact bytes on a socket, for requests that Helidon's
 *     (and any well-behaved) client refuses to send; {@link io.messages.testing.Http},
 *     {@link io.messages.testing.Writers}, {@link io.messages.testing.ReadYourWrites}: bounded
 *     clients for servers in child JVMs and for load.</li>
 *     <li>{@link io.messages.testing.Rows}, {@link io.messages.testing.Outside},
 *     {@link io.messages.testing.SqliteFile}, {@link io.messages.testing.CommitFailure},
 *     {@link io.messages.testing.Scrape}, {@link io.messages.testing.SmallVolume}: reading and
 *     breaking the real database and disk, and reading metrics, outside any request;
 *     {@link io.messages.testing.LogLines}: what a class logged.</li>
 * </ul>
 * Services started whole ({@code Main.start}, with health, metrics, warm-up and drain) stay so
 * where the test is about them.
 */
@NullMarked
package io.messages.testing;

import org.jspecify.annotations.NullMarked;
