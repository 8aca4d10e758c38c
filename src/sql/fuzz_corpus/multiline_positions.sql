-- header
SELECT 1;

  CREATE FUNCTION f()
    RETURNS int
    LANGUAGE js
    AS $body$
return 1;
$body$;
CREATE TRIGGER t AFTER UPDATE ON x
  WHEN (
   (OLD.a) IS NOT NEW.a /* ) */ ) EXECUTE FUNCTION f();
