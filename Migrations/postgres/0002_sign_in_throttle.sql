-- The sign-in throttle's memory (Migrations/sqlite/0011_sign_in_throttle.sql in this dialect): shared by every
-- replica, so N replicas behind a balancer allow the guesses of one. One row per key; state is the JSON of
-- OptOutCore's SignInThrottleState; a row past forget_after holds nothing that still counts and is deleted.
-- Read and written only under the writers' advisory lock, so two replicas never both reserve the last place.
CREATE TABLE sign_in_throttle (
    key TEXT PRIMARY KEY CHECK (length(key) <= 600),
    state TEXT NOT NULL,
    forget_after TIMESTAMPTZ NOT NULL
);
CREATE INDEX sign_in_throttle_forget ON sign_in_throttle(forget_after);
