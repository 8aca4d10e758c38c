-- Sprocket in two minutes: `make run`, or `build/sprocket -f examples/quickstart.sql`.

-- Plain SQLite SQL works as it always has.
CREATE TABLE products (
  id    INTEGER PRIMARY KEY,
  name  TEXT NOT NULL,
  price REAL NOT NULL
);
INSERT INTO products (name, price) VALUES
  ('coffee beans', 12.5),
  ('grinder', 80.0),
  ('mug', 10.0);

-- Functions are written in a guest language; this one is plain SQL.
CREATE FUNCTION add_tax(price REAL, rate REAL) RETURNS REAL
  LANGUAGE sql IMMUTABLE
  AS $$ SELECT price * (1 + rate) $$;

SELECT add_tax(100, 0.2) AS with_tax;  -- 120.0

-- A function is callable anywhere SQLite takes one.
SELECT name, price, add_tax(price, 0.2) AS with_tax
FROM products
WHERE add_tax(price, 0.2) < 50
ORDER BY with_tax;

-- JavaScript too: each function runs in its own sandboxed V8 isolate.
CREATE FUNCTION slug(t TEXT) RETURNS TEXT LANGUAGE javascript IMMUTABLE STRICT AS $$
  return t.toLowerCase().replace(/[^a-z0-9]+/g, '-')
$$;
SELECT name, slug(name) AS slug FROM products ORDER BY id;

-- Everything a function may do is a capability; MINIMAL allows nothing but computing.
ALTER FUNCTION add_tax SET SECURITY POLICY MINIMAL;

-- A trigger runs a function on every changed row.
CREATE TABLE price_log (product_id INTEGER, old_price REAL, new_price REAL);

CREATE FUNCTION log_price() RETURNS TRIGGER LANGUAGE sql AS $$
  INSERT INTO price_log VALUES (NEW.id, OLD.price, NEW.price)
$$;

CREATE TRIGGER products_price_log
  AFTER UPDATE OF price ON products
  FOR EACH ROW EXECUTE FUNCTION log_price();
ALTER FUNCTION log_price GRANT CAPABILITY DATABASE_WRITE('price_log');

-- A BEFORE trigger in JavaScript checks and derives: it may change the row or refuse it.
CREATE TRIGGER products_check BEFORE INSERT OR UPDATE ON products LANGUAGE js AS $$
  if (NEW.price < 0) throw new Error(`price of ${NEW.name} cannot be negative`);
  NEW.name = NEW.name.trim();
$$;

UPDATE products SET price = price * 1.1 WHERE price <= 10;
SELECT product_id, old_price, round(new_price, 2) AS new_price FROM price_log;

-- The catalog is a set of views.
SELECT name, language, returns, volatility FROM sprocket_functions ORDER BY name;
SELECT name, table_name, timing, events, function FROM sprocket_triggers;
