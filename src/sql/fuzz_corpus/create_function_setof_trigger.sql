CREATE FUNCTION s() RETURNS SETOF bigint LANGUAGE python AS 'yield 1';
CREATE FUNCTION audit() RETURNS trigger LANGUAGE js AS $$ ctx.db.execute('INSERT INTO log VALUES (1)'); return NEW; $$;
