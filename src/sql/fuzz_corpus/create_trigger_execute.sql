CREATE OR REPLACE TRIGGER IF NOT EXISTS audit_users
  BEFORE INSERT OR UPDATE OF name, "e-mail" OR DELETE ON main.users
  REFERENCING NEW TABLE AS new_rows OLD TABLE old_rows
  FOR EACH STATEMENT
  WHEN (NEW.a > (1 + 2) AND NEW.b <> ')')
  EXECUTE FUNCTION audit('it''s', 42, -1.5, ident);
