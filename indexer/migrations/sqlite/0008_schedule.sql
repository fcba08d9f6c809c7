-- What `epaper schedule` decided to enqueue, one row per issue per planning slot, so that a pass
-- run again (a restart, a second replica that took over) enqueues nothing twice: a row is
-- inserted if absent before its request is sent, and `sent_at` is set once the broker confirmed
-- it. `reason`: new, absent_recheck, partial_replay.
CREATE TABLE schedule_plan (
    site        TEXT        NOT NULL,
    issue_date  TEXT        NOT NULL,
    slot_at     TEXT        NOT NULL,
    reason      TEXT        NOT NULL,
    planned_at  TEXT        NOT NULL,
    sent_at     TEXT,
    PRIMARY KEY (site, issue_date, slot_at)
);

-- The rows a crash left between insert and send, resolved when a scheduler takes the lead.
CREATE INDEX schedule_plan_unsent ON schedule_plan (site) WHERE sent_at IS NULL;
