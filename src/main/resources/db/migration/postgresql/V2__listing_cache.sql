-- What an exact listing cache needs when several replicas write (README, "The listing on
-- PostgreSQL"): the transaction that inserted each message, indexed, so that a reader can ask in
-- one small query which messages its snapshot sees that a cached listing's snapshot did not;
-- and a counter that moves with any change other than an insert (update, delete, truncate),
-- after which a cached listing is read again whole. Existing rows keep their values; they all
-- get this migration's transaction.
ALTER TABLE messages ADD COLUMN inserted_by xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX messages_inserted_by ON messages (inserted_by);

CREATE TABLE messages_changes (changes BIGINT NOT NULL);
INSERT INTO messages_changes VALUES (0);

CREATE FUNCTION messages_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages_changes SET changes = changes + 1;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_changed AFTER UPDATE OR DELETE OR TRUNCATE ON messages
    FOR EACH STATEMENT EXECUTE FUNCTION messages_changed();
