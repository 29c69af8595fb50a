-- The tables in a schema db.connection names (schema: app, or a search_path) rather than public
-- (docs/operations.md, db.connection.schema). Migration 4 gave messages_writer what a request
-- needs in public only; and the trigger of migration 2 found messages_changes through the
-- search_path of whoever changed a message, so an UPDATE or DELETE of app.messages from a session
-- whose path does not name app failed. Both now for the schema the migrations run in (for public,
-- migration 4's grants again: a grant given twice is one).
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = 'messages_writer') THEN
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO messages_writer', current_schema());
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO messages_writer',
                       current_schema());
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO messages_writer', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES '
                       'TO messages_writer', current_schema());
        EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO messages_writer',
                       current_schema());
    END IF;
    EXECUTE format('ALTER FUNCTION messages_changed() SET search_path = %I', current_schema());
END
$$;
