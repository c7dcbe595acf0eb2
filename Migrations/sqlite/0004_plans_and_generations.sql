-- Monthly prompt allowances and the generations the prompt gate admitted, refused or could not charge.

ALTER TABLE account ADD COLUMN plan TEXT NOT NULL DEFAULT 'free' CHECK (length(plan) BETWEEN 1 AND 64);
ALTER TABLE account ADD COLUMN overage_enabled INTEGER NOT NULL DEFAULT 0 CHECK (overage_enabled IN (0, 1));

CREATE TABLE generation (
    id INTEGER PRIMARY KEY,
    public_id TEXT NOT NULL UNIQUE,
    account_id INTEGER NOT NULL REFERENCES account(id),
    api_key_id INTEGER NOT NULL REFERENCES api_key(id),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    prompt TEXT NOT NULL,
    -- The answer given, replayed to a retry with the same key: status and JSON body.
    status INTEGER NOT NULL CHECK (status IN (201, 402, 422)),
    response TEXT NOT NULL,
    charge_kind TEXT CHECK (charge_kind IN ('included', 'overage')),
    charge_cents INTEGER NOT NULL DEFAULT 0 CHECK (charge_cents >= 0),
    -- The UTC calendar month charged, as YYYY-MM.
    period TEXT NOT NULL,
    credits TEXT NOT NULL DEFAULT '[]',
    generator TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (api_key_id, idempotency_key),
    CHECK ((status = 201) = (charge_kind IS NOT NULL))
);
CREATE INDEX generation_charged ON generation(account_id, period) WHERE charge_kind IS NOT NULL;

-- Each month's use, kept by trigger in the same transaction as the generation, so metering reads one row
-- instead of counting the month's generations.
CREATE TABLE usage_counter (
    account_id INTEGER NOT NULL REFERENCES account(id),
    period TEXT NOT NULL,
    used INTEGER NOT NULL DEFAULT 0 CHECK (used >= 0),
    overage_count INTEGER NOT NULL DEFAULT 0 CHECK (overage_count >= 0),
    overage_cents INTEGER NOT NULL DEFAULT 0 CHECK (overage_cents >= 0),
    PRIMARY KEY (account_id, period)
) WITHOUT ROWID;

CREATE TRIGGER generation_counts_usage AFTER INSERT ON generation
WHEN NEW.charge_kind IS NOT NULL
BEGIN
    INSERT INTO usage_counter (account_id, period, used, overage_count, overage_cents)
    VALUES (NEW.account_id, NEW.period, 1, NEW.charge_kind = 'overage', NEW.charge_cents)
    ON CONFLICT (account_id, period) DO UPDATE SET
        used = used + 1,
        overage_count = overage_count + (NEW.charge_kind = 'overage'),
        overage_cents = overage_cents + NEW.charge_cents;
END;
