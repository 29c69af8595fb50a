package io.messages.kotlin

import io.helidon.http.Status
import io.helidon.webserver.WebServer
import io.helidon.webserver.http.Handler
import io.helidon.webserver.http.HttpRouting
import io.messages.web.TransactionFilter;
import io.messages.app.Main
import io.messages.db.Engine
import io.messages.db.RequestTransaction
import io.messages.message.MessageStore
import io.messages.testing.Rows
import io.messages.testing.TestConfig
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse

/**
 * Extra routes written in Kotlin, Ktor style, beside the service's own and behind its request
 * transaction: what the "From Kotlin" section of docs/design.md shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KotlinRouteTest {
    private val store = MessageStore()
    private val http = HttpClient.newHttpClient()
    private lateinit var engine: Engine
    private lateinit var server: WebServer

    // The snippet in docs/design.md, "From Kotlin".
    private fun HttpRouting.Builder.kotlinRoutes() {
        get("/kotlin/shout", Handler { req, res ->
            val msg = req.query().first("msg").orElse("nothing")
            store.add(TransactionFilter.transactionOf(req), msg.uppercase())
            res.send("Shouted: ${msg.uppercase()}")
        })
        get("/kotlin/count", Handler { req, res ->
            res.send("${store.list(TransactionFilter.transactionOf(req)).size} messages")
        })
        get("/kotlin/regret", Handler { req, res ->
            store.add(TransactionFilter.transactionOf(req), "regretted")
            res.status(Status.CONFLICT_409).send("changed my mind") // 4xx: rolled back
        })
        get("/kotlin/fail", Handler { req, _ ->
            store.add(TransactionFilter.transactionOf(req), "never kept")
            error("a Kotlin handler failed") // exception: rolled back, 500
        })
    }

    @BeforeAll
    fun start() {
        val config = TestConfig.sqlite()
        engine = Engine.open(config.get("db"))
        server = WebServer.builder()
            .config(config.get("server"))
            .routing { routing ->
                Main.routing(routing, config, engine)
                routing.kotlinRoutes()
            }
            .build()
            .start()
    }

    @AfterAll
    fun stop() {
        server.stop()
    }

    @Test
    fun `a Kotlin route that answers 200 commits its write`() {
        val res = get("/kotlin/shout?msg=hello")

        assertEquals(200, res.statusCode())
        assertEquals("Shouted: HELLO", res.body())
        assertEquals("HELLO", Rows.values(engine).last())
        assertEquals("${Rows.count(engine)} messages", get("/kotlin/count").body())
    }

    @Test
    fun `a Kotlin route that answers 4xx after writing stores nothing`() {
        val before = Rows.count(engine)

        val res = get("/kotlin/regret")

        assertEquals(409, res.statusCode())
        assertEquals(before, Rows.count(engine))
    }

    @Test
    fun `a Kotlin route that throws after writing stores nothing and answers 500`() {
        val before = Rows.count(engine)

        val res = get("/kotlin/fail")

        assertEquals(500, res.statusCode())
        assertEquals(before, Rows.count(engine))
    }

    private fun get(path: String): HttpResponse<String> =
        http.send(HttpRequest.newBuilder(URI.create("http://localhost:${server.port()}$path")).build(),
                  HttpResponse.BodyHandlers.ofString())
}
