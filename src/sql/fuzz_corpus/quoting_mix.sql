SELECT 'a;b', "c;d", [e;f], `g;h` -- i;j
, X'3b', $1, ?2, :name, @at, $dollar /* k;l */; SELECT 'it''s', "a""b", `c``d`;
