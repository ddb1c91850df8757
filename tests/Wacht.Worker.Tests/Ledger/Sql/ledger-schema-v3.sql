-- A ledger database made by the worker at schema version 3 (the SQLite ledger before it was one implementation),
-- dumped with sqlite3 .dump. Pending secrets are encrypted with the test key 0x01..0x20 (SqliteLedgerTests).
-- Do not edit: SqliteLedgerTests checks that such a database opens, migrates and works.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, applied_at TEXT NOT NULL);
INSERT INTO schema_version VALUES(1,'2026-01-02T03:04:05.0000000Z');
INSERT INTO schema_version VALUES(2,'2026-01-02T03:04:05.0000000Z');
INSERT INTO schema_version VALUES(3,'2026-01-02T03:04:05.0000000Z');
CREATE TABLE commands (
    command_id TEXT NOT NULL PRIMARY KEY,
    kind TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    app_slug TEXT NOT NULL,
    target_id TEXT NULL,
    state TEXT NOT NULL CHECK (state IN ('received', 'rotating', 'pendingdelivery', 'succeeded', 'failed')),
    "trigger" TEXT NOT NULL,
    requested_by TEXT NULL,
    reason TEXT NULL,
    rotate_calls INTEGER NOT NULL DEFAULT 0,
    pending_client_id TEXT NULL,
    pending_secret BLOB NULL,
    pending_issued_at TEXT NULL,
    outcome_succeeded INTEGER NULL,
    outcome_type TEXT NULL,
    outcome_json TEXT NULL,
    outcome_retryable INTEGER NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
, rotating_at TEXT NULL);
INSERT INTO commands VALUES('00000001-abcd-4ef0-9abc-def012345678','rotate-secret','7283910238471','billing','client-a','received','schedule','ops@example.com','quarterly',0,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-01-02T03:04:05.0000000Z','2026-01-02T03:04:05.0000000Z',NULL);
INSERT INTO commands VALUES('00000002-abcd-4ef0-9abc-def012345678','rotate-secret','7283910238471','billing','client-a','rotating','schedule','ops@example.com','quarterly',1,NULL,NULL,NULL,NULL,NULL,NULL,NULL,'2026-01-02T03:05:05.0000000Z','2026-01-02T03:05:05.0000000Z','2026-01-02T03:05:05.0000000Z');
INSERT INTO commands VALUES('00000003-abcd-4ef0-9abc-def012345678','rotate-secret','7283910238471','billing','client-b','pendingdelivery','schedule','ops@example.com','quarterly',1,'oc_pending',X'0107d65e1774fac2c24c19c4871f256a813eaa1cc39c052cfc47b1e1c40b41e8adb53b517b86561acebae7329b23a1d5a07399f5dd2b7673896028','2026-01-02T03:06:05.0000000Z',NULL,NULL,NULL,NULL,'2026-01-02T03:06:05.0000000Z','2026-01-02T03:06:05.0000000Z','2026-01-02T03:06:05.0000000Z');
INSERT INTO commands VALUES('00000004-abcd-4ef0-9abc-def012345678','rotate-secret','7283910238471','billing','client-c','succeeded','schedule','ops@example.com','quarterly',1,NULL,NULL,NULL,1,'SecretRotated','{"n":4}',0,'2026-01-02T03:07:05.0000000Z','2026-01-02T03:07:05.0000000Z','2026-01-02T03:07:05.0000000Z');
INSERT INTO commands VALUES('00000005-abcd-4ef0-9abc-def012345678','rotate-secret','7283910238471','billing','client-d','failed','schedule','ops@example.com','quarterly',1,'oc_d',X'01ec4a2f63a8ed88f8f2f798fb19ae25280672dcb2b336505bc22ff48860d009e94df0f2506ec57859c2721cec81bccb8900507c0502f0fe7f36','2026-01-02T03:08:05.0000000Z',0,'SecretRotationFailed','{"n":5}',1,'2026-01-02T03:08:05.0000000Z','2026-01-02T03:08:05.0000000Z','2026-01-02T03:08:05.0000000Z');
INSERT INTO commands VALUES('00000006-abcd-4ef0-9abc-def012345678','sync-scopes','7283910238471','billing',NULL,'succeeded','manual',NULL,NULL,0,NULL,NULL,NULL,1,'ScopesSynced','{"n":6}',0,'2026-01-02T03:09:05.0000000Z','2026-01-02T03:09:05.0000000Z',NULL);
CREATE TABLE rotations (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    command_id TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    app_slug TEXT NOT NULL,
    oauth_client_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    rotated_at TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    requested_by TEXT NULL,
    reason TEXT NULL,
    destination TEXT NOT NULL,
    destination_key TEXT NOT NULL,
    secret_fingerprint TEXT NOT NULL
);
INSERT INTO rotations VALUES(1,'00000004-abcd-4ef0-9abc-def012345678','7283910238471','billing','client-c','oc_c','2026-01-02T03:07:05.0000000Z','schedule','ops@example.com','quarterly','file','7283910238471/billing/oc_c.json','0123456789ab');
CREATE TABLE job_runs (
    run_id TEXT NOT NULL PRIMARY KEY,
    job TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    scheduled_fire_at TEXT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    instance TEXT NOT NULL,
    succeeded INTEGER NOT NULL,
    summary_json TEXT NOT NULL
);
INSERT INTO job_runs VALUES('00000100-abcd-4ef0-9abc-def012345678','grant-audit','schedule',0,'2026-01-02T03:09:05.0000000Z','2026-01-02T03:09:06.0000000Z','2026-01-02T03:09:47.0000000Z','worker-a',1,'{"clients":3}');
INSERT INTO job_runs VALUES('00000101-abcd-4ef0-9abc-def012345678','rotation-sweep','manual',1,NULL,'2026-01-02T03:10:05.0000000Z','2026-01-02T03:11:05.0000000Z','worker-b',0,'{"errors":1}');
CREATE TABLE rotation_due_warnings (
    deployment_id TEXT NOT NULL,
    oauth_client_id TEXT NOT NULL,
    warned_on TEXT NOT NULL,
    warned_at TEXT NOT NULL,
    PRIMARY KEY (deployment_id, oauth_client_id)
);
INSERT INTO rotation_due_warnings VALUES('7283910238471','client-e','2026-01-02','2026-01-02T03:09:05.0000000Z');
CREATE TABLE audit_findings (
    deployment_id TEXT NOT NULL,
    grant_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    oauth_client_id TEXT NOT NULL,
    detail_hash TEXT NOT NULL,
    first_published_at TEXT NOT NULL,
    last_published_at TEXT NOT NULL,
    PRIMARY KEY (deployment_id, grant_id, kind)
);
INSERT INTO audit_findings VALUES('7283910238471','grant-1','stale-grant','client-f','sha256:1','2026-01-02T03:09:05.0000000Z','2026-01-02T03:09:05.0000000Z');
INSERT INTO audit_findings VALUES('7283910238471','grant-2','archived-scopes','client-f','sha256:2','2026-01-02T03:09:05.0000000Z','2026-01-02T03:09:05.0000000Z');
INSERT INTO audit_findings VALUES('999','grant-3','stale-grant','client-f','sha256:3','2026-01-02T03:09:05.0000000Z','2026-01-02T03:09:05.0000000Z');
DELETE FROM sqlite_sequence;
INSERT INTO sqlite_sequence VALUES('rotations',1);
CREATE INDEX ix_rotations_client ON rotations (deployment_id, oauth_client_id, rotated_at);
CREATE UNIQUE INDEX ux_rotations_command ON rotations (command_id);
CREATE INDEX ix_commands_target ON commands (kind, deployment_id, target_id);
CREATE INDEX ix_job_runs_job ON job_runs (job, started_at);
CREATE INDEX ix_audit_findings_client ON audit_findings (deployment_id, oauth_client_id);
COMMIT;
