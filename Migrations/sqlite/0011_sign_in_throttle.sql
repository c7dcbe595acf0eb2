-- The sign-in throttle's memory, in the database so that every process behind a balancer counts the same
-- attempts. One row per key ("pair:<email>|<address>" or "address:<address>"); state is the JSON of
-- OptOutCore's SignInThrottleState. A row past forget_after holds nothing that still counts and is deleted.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY CHECK (length(key) <= 600),
    state TEXT NOT NULL,
    forget_after TEXT NOT NULL
);
CREATE INDEX sign_in_throttle_forget ON sign_in_throttle(forget_after);
