-- pgbench script: the writes Switchboard makes for one routed lead, one lead per transaction, on a
-- database that Switchboard migrated and bench/postgres-scale.sh set up (ten teams of ten reps):
-- the lead, its two timeline entries, its decision with a trace of typical size (1,800 characters),
-- the rep's four period counters, the rep's last assignment and open leads, the rule's rotation.
\set n random(1, 2000000000)
\set t random(1, 10)
\set r random(1, 10)
BEGIN;
INSERT INTO leads ("Id", "FirstName", "LastName", "Email", "CompanyName", "CompanyDomain", "CompanyKey", "CompanyEmployees", "Country",
                   "Status", "OwnerRepId", "CreatedByKeyId", "CreatedAt", "UpdatedAt", "AssignedAt", "Channel")
VALUES ('pgb-' || :client_id || '-' || :n, 'Ada', 'Lovelace', 'ada@c' || :client_id || '-' || :n || '.example', 'Acme ' || :n,
        'c' || :client_id || '-' || :n || '.example', 'acme ' || :client_id || ' ' || :n, 232, 'US',
        'assigned', 't' || :t || '-r' || :r, 'admin-env', now(), now(), now(), 'api');
INSERT INTO lead_events ("LeadId", "Type", "At", "Actor", "RepId", "Note")
VALUES ('pgb-' || :client_id || '-' || :n, 'created', now(), 'admin (SWITCHBOARD_ADMIN_KEY)', NULL, 'captured through the API'),
       ('pgb-' || :client_id || '-' || :n, 'assigned', now(), 'system', 't' || :t || '-r' || :r, repeat('rule matched; round-robin ', 8));
INSERT INTO decisions ("LeadId", "FlowVersion", "Kind", "Rule", "RepId", "PoolId", "TraceJson", "At")
VALUES ('pgb-' || :client_id || '-' || :n, 1, 'assigned', 'size-' || :t, 't' || :t || '-r' || :r, NULL, repeat('x', 1800), now());
INSERT INTO rep_counters ("RepId", "Period", "Count")
VALUES ('t' || :t || '-r' || :r, 'h:' || to_char(now(), 'YYYY-MM-DD"T"HH24'), 1), ('t' || :t || '-r' || :r, 'd:' || to_char(now(), 'YYYY-MM-DD'), 1),
       ('t' || :t || '-r' || :r, 'w:' || to_char(now(), 'IYYY-"W"IW'), 1), ('t' || :t || '-r' || :r, 'm:' || to_char(now(), 'YYYY-MM'), 1)
ON CONFLICT ("RepId", "Period") DO UPDATE SET "Count" = rep_counters."Count" + 1;
UPDATE reps SET "LastAssignedAt" = now(), "OpenLeads" = "OpenLeads" + 1 WHERE "Id" = 't' || :t || '-r' || :r;
UPDATE strategy_states SET "Pointer" = 't' || :t || '-r' || :r, "UpdatedAt" = now() WHERE "Key" = 'rule:size-' || :t || '|team ''t' || :t || '''|round-robin';
END;
