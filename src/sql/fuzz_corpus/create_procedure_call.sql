CREATE PROCEDURE log_it(msg text) LANGUAGE sql AS 'INSERT INTO log VALUES (msg)';
CALL log_it('hello; world', (1 + 2), f(x));
