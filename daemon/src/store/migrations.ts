// Numbered schema migrations. PRAGMA user_version holds the number of the
// last one applied; each runs in its own transaction together with the
// version bump, so a power cut leaves the database at N or N+1, never between.
// Append only: never edit a migration that has shipped.
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'foundation: settings, users, sessions, audit log, outbox',
    sql: `
      CREATE TABLE settings (
        key        TEXT PRIMARY KEY,
        value      TEXT NOT NULL,              -- JSON
        updated_at TEXT NOT NULL,
        updated_by TEXT
      );
      CREATE TABLE users (
        id                  INTEGER PRIMARY KEY,
        username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
        role                TEXT NOT NULL CHECK (role IN ('admin','technician','viewer')),
        password_hash       TEXT NOT NULL,     -- scrypt$N$r$p$salt$hash, never plain text
        password_changed_at TEXT NOT NULL,
        created_at          TEXT NOT NULL,
        last_login_at       TEXT,
        failed_logins       INTEGER NOT NULL DEFAULT 0,
        locked_until        TEXT
      );
      CREATE TABLE sessions (
        token_hash   TEXT PRIMARY KEY,         -- sha256 of the cookie value; the value itself is never stored
        user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        csrf_token   TEXT NOT NULL,
        created_ms   INTEGER NOT NULL,
        last_seen_ms INTEGER NOT NULL,
        ip           TEXT,
        user_agent   TEXT
      );
      CREATE INDEX sessions_user ON sessions(user_id);
      CREATE TABLE audit_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        ts       TEXT NOT NULL,
        username TEXT,
        role     TEXT,
        ip       TEXT,
        action   TEXT NOT NULL,
        target   TEXT,
        outcome  TEXT NOT NULL CHECK (outcome IN ('ok','denied','failed')),
        detail   TEXT
      );
      -- Messages for central, written in the same transaction as the change
      -- they report and deleted only after the broker's PUBACK.
      CREATE TABLE outbox (
        seq        INTEGER PRIMARY KEY,        -- envelope seq: strictly increasing per node
        msg_id     TEXT NOT NULL UNIQUE,       -- envelope id, for de-duplication at central
        type       TEXT NOT NULL,              -- alarm | call | event | ...
        order_key  TEXT,                       -- messages with the same key keep their order (an alarm id)
        envelope   TEXT NOT NULL,              -- the JSON envelope as published
        created_at TEXT NOT NULL
      );
      CREATE INDEX outbox_type ON outbox(type, seq);
      -- seq must never be reused, even after rows are deleted on PUBACK.
      CREATE TABLE counters (
        name  TEXT PRIMARY KEY,
        value INTEGER NOT NULL
      );
      INSERT INTO counters(name, value) VALUES ('outbox_seq', 0);
    `,
  },
  {
    version: 2,
    name: 'call records',
    sql: `
      -- One row per call (its A-leg), written when FreeSWITCH reports
      -- CHANNEL_HANGUP_COMPLETE, in the same transaction as its outbox message.
      CREATE TABLE calls (
        uuid           TEXT PRIMARY KEY,
        direction      TEXT NOT NULL CHECK (direction IN ('inbound','outbound')),
        caller_number  TEXT,
        caller_name    TEXT,
        callee_number  TEXT,
        callee_name    TEXT,
        zone           TEXT,
        trunk          TEXT NOT NULL CHECK (trunk IN ('sip','fxs','fxo','gsm','loopback','other')),
        created_at     TEXT NOT NULL,          -- ISO-8601 UTC
        answered_at    TEXT,
        ended_at       TEXT NOT NULL,
        duration_s     INTEGER NOT NULL,
        billsec_s      INTEGER NOT NULL,
        hangup_cause   TEXT,
        recording_path TEXT,
        alarm_id       TEXT,
        -- 1 when the end was not seen (FreeSWITCH lost while the call was up) and the record was closed on resync.
        recovered      INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX calls_created ON calls(created_at);
      CREATE INDEX calls_caller ON calls(caller_number);
      CREATE INDEX calls_callee ON calls(callee_number);
      CREATE INDEX calls_cause ON calls(hangup_cause);
    `,
  },
  {
    version: 3,
    name: 'uplink: commands processed from central',
    sql: `
      -- One row per command id seen on cmd/{name}, with the result sent back:
      -- a repeated id (central retrying, or QoS 1 redelivery) gets the same
      -- result without running the command again. Pruned to ~1000 rows / 7 days.
      CREATE TABLE uplink_commands (
        id          TEXT PRIMARY KEY,          -- the command's id, chosen by central
        name        TEXT NOT NULL,             -- the command (topic cmd/{name})
        result      TEXT NOT NULL,             -- JSON as published on cmd-result/{id}
        received_at TEXT NOT NULL              -- ISO-8601 UTC
      );
      CREATE INDEX uplink_commands_received ON uplink_commands(received_at);
    `,
  },
  {
    version: 4,
    name: 'emergency alarms',
    sql: `
      -- One row per alarm. Committed (synchronous=FULL) before any output,
      -- call or message: the alarm exists on disk before anything signals it.
      CREATE TABLE alarms (
        id              TEXT PRIMARY KEY,      -- A-<yyyymmdd>-<n>, readable on the phone and in SMS
        point_id        TEXT NOT NULL,
        zone            TEXT NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('raised','calling','connected','acknowledged','cleared','failed','test')),
        test            INTEGER NOT NULL DEFAULT 0,
        raised_at       TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        presses         INTEGER NOT NULL DEFAULT 1,
        attempts        INTEGER NOT NULL DEFAULT 0,
        target          TEXT,                  -- who is being called or talking now
        call_uuid       TEXT,
        connected_at    TEXT,
        acknowledged_at TEXT,
        acknowledged_by TEXT,
        ack_source      TEXT CHECK (ack_source IN ('dtmf','central','ui','sms')),
        cleared_at      TEXT,
        cleared_by      TEXT,
        clear_source    TEXT CHECK (clear_source IN ('point','ui','central','self-test'))
      );
      CREATE INDEX alarms_point_open ON alarms(point_id, state);
      CREATE INDEX alarms_raised ON alarms(raised_at);
      -- What happened to each alarm, in order.
      CREATE TABLE alarm_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        alarm_id TEXT NOT NULL REFERENCES alarms(id),
        ts       TEXT NOT NULL,
        kind     TEXT NOT NULL,
        detail   TEXT
      );
      CREATE INDEX alarm_log_alarm ON alarm_log(alarm_id, id);
      INSERT INTO counters(name, value) VALUES ('alarm_day', 0);
    `,
  },
  {
    version: 5,
    name: 'supervision faults and SMS',
    sql: `
      -- A fault is a condition a technician must fix: a stuck button, a cut
      -- wire, a chip or FreeSWITCH or the uplink gone, a modem without signal.
      -- One row per occurrence; at most one open row per key (the partial
      -- unique index), so a flapping cause never piles up duplicates.
      CREATE TABLE faults (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        key        TEXT NOT NULL,              -- what is faulty: 'hardware:stuck:in1', 'freeswitch:down', 'gsm:gsm1:no-signal'
        source     TEXT NOT NULL,              -- hardware | freeswitch | phone | uplink | self-test | gsm | line-card
        code       TEXT NOT NULL,              -- stuck | wiring | device | down | unregistered | no-signal | line-cut | …
        subject    TEXT,                       -- the input, device, phone, modem or port concerned
        detail     TEXT NOT NULL,              -- what a technician reads
        raised_at  TEXT NOT NULL,
        cleared_at TEXT
      );
      CREATE UNIQUE INDEX faults_open_key ON faults(key) WHERE cleared_at IS NULL;
      CREATE INDEX faults_raised ON faults(raised_at);
      -- Every SMS sent or received, written before it is sent or before the
      -- modem's copy is deleted: a message is never only in the modem.
      CREATE TABLE sms (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        direction   TEXT NOT NULL CHECK (direction IN ('in','out')),
        modem       TEXT NOT NULL,
        peer        TEXT NOT NULL,             -- the other number (+ and digits, or an alphanumeric sender)
        text        TEXT NOT NULL,
        status      TEXT NOT NULL CHECK (status IN ('queued','sent','delivered','failed','received','ignored','handled')),
        alarm_id    TEXT,                      -- the alarm it notifies about or acknowledged
        refs        TEXT,                      -- JSON array of the network's message references (out)
        detail      TEXT,                      -- error, or what was done with an inbound command
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
      );
      CREATE INDEX sms_created ON sms(created_at);
      CREATE INDEX sms_status ON sms(direction, status);
    `,
  },
  {
    version: 6,
    name: 'sms: the network timestamp, to recognise a message offered twice',
    sql: `
      -- A modem offers a stored SMS again when the daemon stopped between
      -- storing it and deleting the modem's copy: same sender, same text,
      -- same service-centre timestamp is the same message.
      ALTER TABLE sms ADD COLUMN sent_at TEXT;
      CREATE INDEX sms_inbound_dedupe ON sms(peer, sent_at) WHERE direction = 'in';
    `,
  },
  {
    version: 7,
    name: 'sms: what an outgoing message is for, kept apart from its status detail',
    sql: `
      -- 'alarm A-20261125-3 raised', 'reply to 12', 'test by tech': lets a restart
      -- tell which alarm texts already went to which number.
      ALTER TABLE sms ADD COLUMN tag TEXT;
      CREATE INDEX sms_alarm_out ON sms(alarm_id, peer) WHERE direction = 'out';
    `,
  },
  {
    version: 8,
    name: 'sms_parts: each part of an outgoing SMS, its network reference and its delivery',
    sql: `
      -- A long SMS goes as parts (3GPP TS 23.040 §9.2.3.24.1), each with its
      -- own TP-MR from +CMGS, which its status report names. The message is
      -- delivered when every part is, failed when one is not; a part the
      -- network refused is sent again alone, under the same concatenation
      -- reference, from the same modem.
      CREATE TABLE sms_parts (
        sms_id     INTEGER NOT NULL REFERENCES sms(id),
        part       INTEGER NOT NULL CHECK (part >= 1),
        parts      INTEGER NOT NULL CHECK (parts >= part),
        modem      TEXT NOT NULL,              -- the modem that sent it (its SIM is the sender)
        concat_ref INTEGER,                    -- the reference the parts share; NULL for a single part
        mr         INTEGER NOT NULL,           -- TP-MR given by the network (-1: the modem did not say)
        status     TEXT NOT NULL CHECK (status IN ('sent','delivered','failed')),
        tp_st      INTEGER,                    -- TP-ST of the final status report (23.040 §9.2.3.15)
        updated_at TEXT NOT NULL,
        PRIMARY KEY (sms_id, part)
      );
      CREATE INDEX sms_parts_mr ON sms_parts(modem, mr) WHERE status = 'sent';
      -- Messages sent before: their references, one part each, in order.
      INSERT INTO sms_parts(sms_id, part, parts, modem, concat_ref, mr, status, updated_at)
        SELECT s.id, CAST(j.key AS INTEGER) + 1, json_array_length(s.refs), s.modem, NULL, j.value, 'sent', s.updated_at
        FROM sms s, json_each(s.refs) j
        WHERE s.direction = 'out' AND s.status = 'sent' AND json_valid(s.refs);
    `,
  },
  {
    version: 9,
    name: 'gsm_sim_pins: a SIM PIN a person entered, and the PIN a SIM refused, per modem',
    sql: `
      -- A SIM allows three wrong PINs. A PIN the card refused is remembered
      -- here, with the card's ICCID, so no restart enters it again; it holds
      -- until a person enters a PIN (callpoint gsm pin, or the Lines page) or
      -- another card is in the modem. The refused PIN is kept only as a
      -- fingerprint (HMAC-SHA256 under a random salt) to recognise the same
      -- value; a PIN a person entered is kept as entered, since the modem
      -- needs it at every start — like lines.modems[].pin in the configuration.
      CREATE TABLE gsm_sim_pins (
        modem          TEXT PRIMARY KEY,
        pin            TEXT,                   -- entered by a person; NULL: the configuration's
        pin_iccid      TEXT,                   -- the card it was entered for (NULL: not known)
        pin_by         TEXT,
        pin_at         TEXT,
        refused_iccid  TEXT,                   -- the card that refused (NULL: the modem could not tell)
        refused_salt   TEXT,
        refused_hash   TEXT,
        refused_source TEXT,                   -- 'config' or 'entered <time>'
        refused_why    TEXT,
        refused_at     TEXT,
        CHECK ((pin IS NULL) = (pin_at IS NULL)),
        CHECK ((refused_hash IS NULL) = (refused_at IS NULL))
      );
    `,
  },
  {
    version: 10,
    name: 'login_failures: failed logins per (account, address), replacing the per-account lock',
    sql: `
      -- One wrong password every 15 minutes kept a named account locked for
      -- everyone: the lock was per account. Now it is per (name as typed,
      -- address) — an attacker's address is locked, the owner's is not — and
      -- a name that belongs to nobody is counted like one that does, so the
      -- answers cannot tell them apart. The per-account columns of users are
      -- no longer read; their old locks are lifted here.
      CREATE TABLE login_failures (
        account      TEXT NOT NULL,            -- the user name as typed, lower case (existing or not)
        address      TEXT NOT NULL,            -- the client address
        failures     INTEGER NOT NULL,         -- consecutive failures from this address for this name
        last_at      TEXT NOT NULL,            -- the last failure
        locked_until TEXT,                     -- no check from this address for this name before then
        PRIMARY KEY (account, address)
      );
      CREATE INDEX login_failures_last ON login_failures(last_at);
      UPDATE users SET failed_logins = 0, locked_until = NULL;
    `,
  },
  {
    version: 11,
    name: 'uplink_commands: what each id is bound to, for a stated window',
    sql: `
      -- Commands from central are signed (uplink/command-auth.ts). An id is
      -- bound to its command and payload (fingerprint): the same id with
      -- another command is a conflict, never answered with the old result.
      -- Ids are kept for central.replayWindowDays after the command was signed
      -- (signed_at), not "the last 1000"; an older command is refused as
      -- expired. A nonce is used once per key.
      -- fingerprint: sha256 of name + payload (NULL: stored before commands were signed),
      -- signed_at: the command's ts. (A statement ends with a semicolon at the end of its line: migrate.ts)
      ALTER TABLE uplink_commands ADD COLUMN fingerprint TEXT;
      ALTER TABLE uplink_commands ADD COLUMN key_id TEXT;
      ALTER TABLE uplink_commands ADD COLUMN nonce TEXT;
      ALTER TABLE uplink_commands ADD COLUMN signed_at TEXT;
      CREATE UNIQUE INDEX uplink_commands_nonce ON uplink_commands(key_id, nonce) WHERE nonce IS NOT NULL;
      CREATE INDEX uplink_commands_signed ON uplink_commands(signed_at);
    `,
  },
  {
    version: 12,
    name: 'calls: an index in time order for every search filter and combination',
    sql: `
      -- The call search (CallsRepo.search) answers newest first, a page at a
      -- time: ORDER BY created_at DESC, rowid DESC. An index whose equality
      -- columns are exactly the filters set, followed by created_at (and the
      -- rowid every index ends with), walks the matching calls already in that
      -- order from the newest (or from the page's cursor, or the date range's
      -- end) and stops after one page: no scan of the table, no sort of every
      -- match. calls_created (created_at) serves the search without filters
      -- and zone, direction and hangup cause, alone and in each combination,
      -- get one each. The number filter (a prefix of the caller's or the callee's
      -- number) walks a number index that also holds every other filter
      -- column, so deciding whether a call matches needs no table row.
      DROP INDEX calls_cause;
      DROP INDEX calls_caller;
      DROP INDEX calls_callee;
      CREATE INDEX calls_zone_time ON calls(zone, created_at);
      CREATE INDEX calls_direction_time ON calls(direction, created_at);
      CREATE INDEX calls_cause_time ON calls(hangup_cause, created_at);
      CREATE INDEX calls_zone_direction_time ON calls(zone, direction, created_at);
      CREATE INDEX calls_zone_cause_time ON calls(zone, hangup_cause, created_at);
      CREATE INDEX calls_direction_cause_time ON calls(direction, hangup_cause, created_at);
      CREATE INDEX calls_zone_direction_cause_time ON calls(zone, direction, hangup_cause, created_at);
      CREATE INDEX calls_caller_search ON calls(caller_number, created_at, zone, direction, hangup_cause);
      CREATE INDEX calls_callee_search ON calls(callee_number, created_at, zone, direction, hangup_cause);
    `,
  },
  {
    version: 13,
    name: 'faults, audit_log, sms: the detail as a phrase (key and parameters) beside the English',
    sql: `
      -- The detail texts the daemon writes were English only; each is now also
      -- a phrase, JSON {"key": …, "params": {…}} of contracts/phrases, which the
      -- web UI renders in the reader's language. NULL in rows written before.
      ALTER TABLE faults ADD COLUMN phrase TEXT;
      ALTER TABLE audit_log ADD COLUMN phrase TEXT;
      ALTER TABLE sms ADD COLUMN phrase TEXT;
    `,
  },
  {
    version: 14,
    name: 'config_versions: every version of the configuration file, who made it, when, from where and why',
    sql: `
      -- The live configuration file (dataDir/config.yaml) is the configuration,
      -- and this its history, byte for byte, for rollback and review. A change is
      -- recorded as 'writing' before the file is written and 'written' after, so a
      -- daemon killed in between finds at its next start which one the file holds.
      -- The last 20 written versions are kept; numbers are never reused.
      CREATE TABLE config_versions (
        version       INTEGER PRIMARY KEY AUTOINCREMENT,
        state         TEXT NOT NULL CHECK (state IN ('writing','written')),
        text          BLOB NOT NULL,           -- the file's bytes
        sha256        TEXT NOT NULL,
        created_at    TEXT NOT NULL,
        username      TEXT,                    -- who (NULL: the system itself)
        role          TEXT,
        ip            TEXT,                    -- from where (NULL: the board, or central)
        source        TEXT NOT NULL,           -- seed, api, import, restore, central, disk, migration
        reason        TEXT,                    -- one line, as given
        restored_from INTEGER,                 -- a restore: the version it brought back
        diff          TEXT                     -- the change in words (secrets masked), for the audit log
      );
      CREATE INDEX config_versions_state ON config_versions(state);
    `,
  },
  {
    version: 15,
    name: 'walk_tests: commissioning walk tests and each point pressed as a test',
    sql: `
      -- A walk test: while it runs, presses of points in its zones are tests
      -- (recorded here, lamps flash, central told), not alarms. It ends by itself
      -- at ends_at, or when stopped, or at a restart (the daemon starts live).
      CREATE TABLE walk_tests (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        started_at  TEXT NOT NULL,
        started_by  TEXT NOT NULL,
        zones       TEXT,                      -- JSON list of zone ids, NULL for every zone
        ends_at     TEXT NOT NULL,
        ended_at    TEXT,
        ended_by    TEXT,
        end_reason  TEXT                       -- stopped, timeout, restart
      );
      CREATE TABLE walk_test_presses (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        walk_test  INTEGER NOT NULL REFERENCES walk_tests(id),
        point_id   TEXT NOT NULL,
        input      TEXT NOT NULL,
        zone       TEXT NOT NULL,
        label      TEXT NOT NULL,
        at         TEXT NOT NULL
      );
      CREATE INDEX walk_test_presses_point ON walk_test_presses(point_id, at);
      CREATE INDEX walk_test_presses_test ON walk_test_presses(walk_test);
    `,
  },
  {
    version: 16,
    name: 'routing: the rule and trunk on each call record; black/white list entries added at run time, and hit counters',
    sql: `
      -- Which rule routed a call, the trunk it used, and the failover on the
      -- way: [{"trunk","outcome":"skipped"|"failed"|"used","reason"}] as JSON.
      ALTER TABLE calls ADD COLUMN route TEXT;
      ALTER TABLE calls ADD COLUMN trunk_id TEXT;
      ALTER TABLE calls ADD COLUMN failover TEXT;
      CREATE INDEX calls_route ON calls(route) WHERE route IS NOT NULL;
      -- Entries people add to a list (the UI, a CSV import) beside those of the
      -- configuration file; a list is named by its id in the configuration.
      CREATE TABLE routing_list_entries (
        id        INTEGER PRIMARY KEY,
        list      TEXT NOT NULL,
        number    TEXT,
        prefix    TEXT,
        reason    TEXT,
        expires   TEXT,                     -- YYYY-MM-DD, the last day it applies
        added_by  TEXT NOT NULL,
        added_at  TEXT NOT NULL,
        CHECK ((number IS NULL) <> (prefix IS NULL))
      );
      CREATE UNIQUE INDEX routing_list_entries_unique ON routing_list_entries(list, IFNULL(number, ''), IFNULL(prefix, ''));
      -- How often each entry (of the file or added) refused or let a call pass.
      CREATE TABLE routing_list_hits (
        list        TEXT NOT NULL,
        entry       TEXT NOT NULL,          -- 'n:<number>' or 'p:<prefix>'
        hits        INTEGER NOT NULL,
        last_hit_at TEXT NOT NULL,
        PRIMARY KEY (list, entry)
      );
    `,
  },
  {
    version: 17,
    name: 'desk: ACD agents\' states and the calls waiting in queues',
    sql: `
      -- One row per agent (a desk phone), across queues: what the agent chose
      -- (logged out, available, paused with a reason) and the after-call state
      -- (wrap-up until, free since), so a restart keeps both. Busy is not stored:
      -- it is the live call, read again from FreeSWITCH.
      CREATE TABLE desk_agents (
        extension      TEXT PRIMARY KEY,
        state          TEXT NOT NULL CHECK (state IN ('logged-out','available','paused')),
        reason         TEXT,                  -- why paused, as given
        since          TEXT NOT NULL,         -- when the state was set
        idle_since     TEXT,                  -- end of the last call (longest-idle)
        wrap_up_until  TEXT,                  -- no call before this
        updated_by     TEXT
      );
      -- Every call that entered a queue, kept after it left (answered by whom,
      -- overflowed where, abandoned after how long): the waiting ones are served
      -- again, in order, after a restart.
      CREATE TABLE queue_calls (
        uuid        TEXT PRIMARY KEY,         -- the caller's FreeSWITCH channel
        queue       TEXT NOT NULL,            -- where it waits now (overflow may move it)
        first_queue TEXT NOT NULL,
        caller      TEXT,
        zone        TEXT,
        urgency     TEXT NOT NULL CHECK (urgency IN ('emergency','normal')),
        vip         INTEGER NOT NULL,
        skill       TEXT,
        arrived_at  TEXT NOT NULL,
        state       TEXT NOT NULL CHECK (state IN ('waiting','answered','overflowed','abandoned')),
        agent       TEXT,                     -- who answered (or the overflow phone)
        passed_over TEXT NOT NULL DEFAULT '[]', -- JSON: agents who let it ring out
        offer_legs  TEXT,                     -- JSON [{leg, extension}]: phones ringing with it now (a restart cancels or keeps them)
        overflows   INTEGER NOT NULL DEFAULT 0,
        answered_at TEXT,
        ended_at    TEXT
      );
      CREATE INDEX queue_calls_waiting ON queue_calls(arrived_at) WHERE state = 'waiting';
    `,
  },
];

export const LATEST_SCHEMA = migrations[migrations.length - 1]!.version;
