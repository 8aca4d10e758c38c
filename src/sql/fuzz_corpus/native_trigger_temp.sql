CREATE TEMP TRIGGER IF NOT EXISTS main.t BEFORE UPDATE OF a, b ON users FOR EACH ROW WHEN new.a > 0 BEGIN SELECT RAISE(ABORT, 'no; way'); END;
create temporary trigger t instead of delete on v begin delete from t; end;
