-- A migration that fails half-way: its first statement must not survive the second's failure.
CREATE TABLE half_done (x INTEGER);
INSERT INTO nosuchtable VALUES (1);
