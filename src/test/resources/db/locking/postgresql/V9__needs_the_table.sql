-- A migration that needs a lock on messages, as an ALTER TABLE does.
ALTER TABLE messages ADD COLUMN locked_out INTEGER;
