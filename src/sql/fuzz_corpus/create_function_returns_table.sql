CREATE FUNCTION series(n int) RETURNS TABLE (i integer, label text, score double precision) LANGUAGE js AS $$ for (let i = 0; i < n; i++) yield {i}; $$;
SELECT * FROM series(3);
