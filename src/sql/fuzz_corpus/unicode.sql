SELECT 'é ü 日本';
CREATE FUNCTION ünï() RETURNS text LANGUAGE js AS $$ return 'ß'; $$;
