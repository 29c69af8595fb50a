-- A migration long enough for another instance to find Flyway's lock held through it, on a loaded
-- machine too (MigrationsTest).
SELECT pg_sleep(10);
