package io.messages.db.sqlite;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.messages.db.DatabaseUnavailableException;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.startsWith;

/**
 * The write turn on its own, with virtual threads as writers: arrival order, the turn handed from
 * one writer to the next, waits that end at the timeout without a timer each.
 */
class WriteGateTest {
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void writersEnterInArrivalOrderEachAsThePreviousLeaves() throws Exception {
        WriteGate gate = new WriteGate(PATIENCE.toMillis());
        gate.enter();
        List<Integer> entered = new CopyOnWriteArrayList<>();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int writer = i;
            writers.add(writer(gate, () -> entered.add(writer)));
            awaitWaiting(gate, i + 1);
        }

        gate.leave();

        for (CompletableFuture<Void> writer : writers) {
            writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(entered, contains(0, 1, 2, 3, 4));
        assertThat(gate.waiting(), is(0));
    }

    @Test
    void manyWritersComingAndGoingEnterOneAtATimeAndNoneIsLeftWaiting() throws Exception {
        WriteGate gate = new WriteGate(PATIENCE.toMillis());
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            writers.add(CompletableFuture.runAsync(() -> {
                for (int n = 0; n < 2000; n++) {
                    gate.enter();
                    if (inside.incrementAndGet() != 1) {
                        overlaps.incrementAndGet();
                    }
                    // Lets the others run meanwhile: they queue, and the turn is handed on.
                    Thread.yield();
                    inside.decrementAndGet();
                    gate.leave();
                }
            }, command -> Thread.ofVirtual().start(command)));
        }

        CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(overlaps.get(), is(0));
        assertThat(gate.waiting(), is(0));
    }

    @Test
    void aWaitingWriterParksWithoutATimerOfItsOwn() throws Exception {
        WriteGate gate = new WriteGate(PATIENCE.toMillis());
        gate.enter();
        Thread waiter = Thread.ofVirtual().start(() -> {
            gate.enter();
            gate.leave();
        });
        awaitWaiting(gate, 1);
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (waiter.getState() != Thread.State.WAITING && waiter.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // A timed wait would show TIMED_WAITING: each one arms and cancels a JDK timer.
        assertThat(waiter.getState(), is(Thread.State.WAITING));

        gate.leave();
        assertThat(waiter.join(PATIENCE), is(true));
    }

    @Test
    void writersWaitingLongerThanTheTimeoutGiveUpAndTheTurnStaysWithItsHolder() throws Exception {
        WriteGate gate = new WriteGate(200);
        gate.enter();
        CompletableFuture<Void> first = writer(gate, () -> { });
        awaitWaiting(gate, 1);
        CompletableFuture<Void> second = writer(gate, () -> { });
        awaitWaiting(gate, 2);

        assertThat(failure(first).getMessage(), is("database busy: no write turn within 200 ms"));
        assertThat(failure(second).getMessage(), startsWith("database busy"));
        assertThat(gate.waiting(), is(0));
        // Nobody left to hand it to: the holder keeps the turn until it leaves.
        assertThat(gate.passOn(), is(false));
        gate.leave();
        writer(gate, () -> { }).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void anInterruptedWriterGivesUpItsPlaceAndTheNextOneGetsTheTurn() throws Exception {
        WriteGate gate = new WriteGate(PATIENCE.toMillis());
        gate.enter();
        CompletableFuture<Thread> interrupted = new CompletableFuture<>();
        CompletableFuture<Void> first = writer(gate, () -> { }, interrupted);
        awaitWaiting(gate, 1);
        CompletableFuture<Void> second = writer(gate, () -> { });
        awaitWaiting(gate, 2);

        interrupted.get().interrupt();

        assertThat(failure(first).getMessage(), is("interrupted while waiting for the write turn"));
        assertThat(gate.waiting(), is(1));
        assertThat(gate.passOn(), is(true));
        second.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }

    // A virtual thread that enters, runs inside, and leaves; the future fails as enter() did.
    private static CompletableFuture<Void> writer(WriteGate gate, Runnable inside) {
        return writer(gate, inside, new CompletableFuture<>());
    }

    private static CompletableFuture<Void> writer(WriteGate gate, Runnable inside, CompletableFuture<Thread> thread) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        thread.complete(Thread.ofVirtual().start(() -> {
            try {
                gate.enter();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
                return;
            }
            try {
                inside.run();
            } finally {
                gate.leave();
            }
            done.complete(null);
        }));
        return done;
    }

    private static DatabaseUnavailableException failure(CompletableFuture<Void> writer) throws Exception {
        try {
            writer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (DatabaseUnavailableException) e.getCause();
        }
        throw new AssertionError("the writer entered");
    }

    private static void awaitWaiting(WriteGate gate, int writers) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (gate.waiting() < writers) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never " + writers + " writers waiting");
            }
            Thread.sleep(5);
        }
    }
}
