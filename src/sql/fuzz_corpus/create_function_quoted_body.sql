create function f("Weird Name" varchar(20), character varying) returns text language 'Python' called on null input as 'return ''it''''s'';';
