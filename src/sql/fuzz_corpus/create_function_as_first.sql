CREATE OR REPLACE FUNCTION calculate_discount(p numeric(10,2), r double precision)
  AS $$ return p * (1 - r); $$
  LANGUAGE javascript
  RETURNS numeric(10,2) IMMUTABLE STRICT;
