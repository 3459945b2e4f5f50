-- Account health and churn: the weights of the health score's signals, the
-- score of every organization each day (its trend, and what the churn model's
-- "days ahead" is measured on), customers leaving and coming back, and the
-- churn model last trained.
--
-- The score itself is not stored for today: it is computed when read from the
-- signals (`health::signals`), so it is never stale. See `health::score` for
-- how each signal's value becomes points.

-- One row per named signal. The weight is a percentage of the signal's points:
-- 100 counts them as documented, 0 leaves the signal out, 200 doubles it.
CREATE TABLE health_weights (
    signal      text PRIMARY KEY CHECK (signal IN (
                    'case_volume_trend', 'open_case_age', 'sla_breaches', 'reopens',
                    'satisfaction', 'overdue_invoices', 'days_since_order',
                    'order_value_trend', 'workshops', 'portal_activity', 'last_contact')),
    weight      integer NOT NULL DEFAULT 100 CHECK (weight BETWEEN 0 AND 300),
    updated_by  bigint REFERENCES users (id),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO health_weights (signal) VALUES
    ('case_volume_trend'), ('open_case_age'), ('sla_breaches'), ('reopens'),
    ('satisfaction'), ('overdue_invoices'), ('days_since_order'),
    ('order_value_trend'), ('workshops'), ('portal_activity'), ('last_contact');

-- A customer left (on a day, for a reason) or came back. The latest event on
-- or before a day says whether the organization was a customer that day.
-- Merging organizations moves these rows (`db::organizations::merge`).
CREATE TABLE churn_events (
    id               bigserial PRIMARY KEY,
    organization_id  bigint NOT NULL REFERENCES organizations (id),
    kind             text NOT NULL CHECK (kind IN ('left', 'returned')),
    on_day           date NOT NULL,
    reason           text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_by      bigint NOT NULL REFERENCES users (id),
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (kind = 'returned' OR length(btrim(reason)) >= 1)
);
CREATE INDEX churn_events_organization_idx ON churn_events (organization_id, on_day DESC, id DESC);

-- The score of each organization at the end of each day, with the signals'
-- raw values (in `health::signals::FEATURES` order) it came from. Written by
-- a daily job (`health::history`); the days written are in
-- `health_score_days`, so a restart or a second server writes each day once.
-- Rows of a merged-away organization go with it.
CREATE TABLE health_scores (
    organization_id  bigint NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    day              date NOT NULL,
    score            smallint NOT NULL CHECK (score BETWEEN 0 AND 100),
    features         double precision[] NOT NULL,
    PRIMARY KEY (organization_id, day)
);
CREATE INDEX health_scores_day_idx ON health_scores (day);
CREATE TABLE health_score_days (
    day         date PRIMARY KEY,
    written_at  timestamptz NOT NULL DEFAULT now()
);

-- The churn model: a logistic regression on the standardized signals, trained
-- on organizations as they were before they left. Only the latest is used;
-- older ones stay as a record of how the validation moved.
CREATE TABLE churn_models (
    id                     bigserial PRIMARY KEY,
    trained_at             timestamptz NOT NULL DEFAULT now(),
    -- Organizations used (left and stayed), and how many were held out.
    organizations          integer NOT NULL,
    left_organizations     integer NOT NULL,
    held_out               integer NOT NULL,
    features               text[] NOT NULL,
    -- Standardization: feature = (raw - mean) / scale.
    means                  double precision[] NOT NULL,
    scales                 double precision[] NOT NULL,
    coefficients           double precision[] NOT NULL,
    intercept              double precision NOT NULL,
    -- Validation on the held-out organizations.
    auc                    double precision NOT NULL,
    precision_top_decile   double precision NOT NULL,
    -- Median days between the first warning (probability at least 0.5 in the
    -- score history, staying so) and the leaving day, over the left
    -- organizations with a history; and how many of them were warned.
    median_days_ahead      double precision,
    warned                 integer NOT NULL DEFAULT 0,
    with_history           integer NOT NULL DEFAULT 0
);
