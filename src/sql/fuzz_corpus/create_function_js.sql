CREATE FUNCTION add_numbers(a integer, b integer) RETURNS integer LANGUAGE js AS $$ return a + b; $$;
