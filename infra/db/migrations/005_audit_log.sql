-- Who did what, for as long as the database lives: rows are only ever added. The triggers make that
-- a property of the table rather than a habit of the code; retention never touches it.

CREATE TABLE audit_log (
  id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at      timestamptz NOT NULL DEFAULT now(),
  actor   text NOT NULL,                   -- a user, or a process such as workflow:<id>
  action  text NOT NULL,                   -- e.g. ota_campaign.start, work_order.approve
  subject text NOT NULL,                   -- what it was done to, e.g. ota_campaigns/<id>
  details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_subject_at ON audit_log (subject, at);

CREATE FUNCTION audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER audit_log_no_update_or_delete
  BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only();

CREATE TRIGGER audit_log_no_truncate
  BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only();
