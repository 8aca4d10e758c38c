SELECT a||b, a<=b, a>=b, a<>b, a!=b, a==b, a<<b, a>>b, j->'x', j->>'y', .5e-3, 0xff, 1.;
