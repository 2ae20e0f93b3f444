// Schema migrations, applied in order; entry i brings the schema to version i + 1.
// Never edit a released entry: add a new one.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE services (
    name            TEXT PRIMARY KEY,
    token           TEXT,
    desired_state   TEXT NOT NULL CHECK (desired_state IN ('running', 'stopped', 'deleted')),
    replicas        INTEGER NOT NULL,
    current_version INTEGER NOT NULL,
    latest_version  INTEGER NOT NULL,
    status          TEXT NOT NULL,
    reason          TEXT NOT NULL DEFAULT '',
    ever_running    INTEGER NOT NULL DEFAULT 0,
    create_time     TEXT NOT NULL,
    update_time     TEXT NOT NULL
  );
  CREATE TABLE versions (
    service     TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    spec        TEXT NOT NULL,
    create_time TEXT NOT NULL,
    PRIMARY KEY (service, version)
  );
  CREATE TABLE instances (
    name                 TEXT PRIMARY KEY,
    service              TEXT NOT NULL REFERENCES services(name) ON DELETE CASCADE,
    version              INTEGER NOT NULL,
    restart_count        INTEGER NOT NULL DEFAULT 0,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    last_state           TEXT,
    last_log_lines       TEXT,
    exited_at            INTEGER,
    pid                  INTEGER,
    port                 INTEGER,
    start_ticks          INTEGER,
    start_time           TEXT,
    draining             INTEGER NOT NULL DEFAULT 0,
    drain_reason         TEXT,
    create_time          TEXT NOT NULL
  );
  CREATE INDEX instances_service ON instances(service);
  CREATE TABLE events (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    service  TEXT NOT NULL,
    instance TEXT,
    time     TEXT NOT NULL,
    type     TEXT NOT NULL,
    reason   TEXT NOT NULL,
    message  TEXT NOT NULL
  );
  CREATE INDEX events_service ON events(service, id);
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];
