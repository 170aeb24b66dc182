using Microsoft.Data.Sqlite;

namespace PatientContact.Inbox.Storage.Sqlite;

/// <summary>
/// The tables, indexes and triggers, versioned with <c>PRAGMA user_version</c>: each step in
/// <see cref="Migrations"/> takes the file from version n to n+1 and is never edited once shipped.
/// </summary>
internal static class SqliteSchema
{
    private static readonly string[] Migrations =
    [
        // 1: first schema.
        """
        CREATE TABLE IF NOT EXISTS conversations (
            key         TEXT    NOT NULL PRIMARY KEY,
            service_id  TEXT    NOT NULL,
            state       TEXT    NOT NULL,
            data        TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            updated_at  TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_conversations_updated_at ON conversations (updated_at);

        CREATE TABLE IF NOT EXISTS requests (
            reference_id     TEXT    NOT NULL PRIMARY KEY,
            reference_key    TEXT    NOT NULL,
            service_id       TEXT    NOT NULL,
            status           TEXT    NOT NULL,
            created_at       TEXT    NOT NULL,
            matched          INTEGER NOT NULL,
            match_reason     TEXT,
            request_type_id  TEXT    NOT NULL,
            red_flagged      INTEGER NOT NULL,
            first_name_lower TEXT    NOT NULL,
            last_name_lower  TEXT    NOT NULL,
            version          INTEGER NOT NULL,
            document         TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_requests_service_status_created ON requests (service_id, status, created_at);
        CREATE INDEX IF NOT EXISTS ix_requests_service_created ON requests (service_id, created_at);
        CREATE INDEX IF NOT EXISTS ix_requests_reference_key ON requests (reference_key);
        CREATE INDEX IF NOT EXISTS ix_requests_unmatched ON requests (matched, match_reason, created_at);

        CREATE TABLE IF NOT EXISTS outbox (
            id                  TEXT    NOT NULL PRIMARY KEY,
            recipient           TEXT    NOT NULL,
            body                TEXT    NOT NULL,
            purpose             TEXT    NOT NULL,
            idempotency_key     TEXT    UNIQUE,
            created_at          TEXT    NOT NULL,
            status              TEXT    NOT NULL,
            attempts            INTEGER NOT NULL,
            next_attempt_at     TEXT    NOT NULL,
            provider_message_id TEXT,
            error               TEXT,
            validity_seconds    INTEGER
        );
        CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (status, next_attempt_at);
        CREATE INDEX IF NOT EXISTS ix_outbox_recipient ON outbox (recipient, created_at);

        CREATE TABLE IF NOT EXISTS audit (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            at           TEXT    NOT NULL,
            actor        TEXT    NOT NULL,
            action       TEXT    NOT NULL,
            service_id   TEXT,
            reference_id TEXT,
            detail       TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_audit_at ON audit (at);
        CREATE INDEX IF NOT EXISTS ix_audit_reference ON audit (reference_id, at);
        CREATE INDEX IF NOT EXISTS ix_audit_service ON audit (service_id, at);
        CREATE INDEX IF NOT EXISTS ix_audit_actor ON audit (actor, at);
        CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;

        CREATE TABLE IF NOT EXISTS usage_counters (
            service_id TEXT    NOT NULL,
            counter    TEXT    NOT NULL,
            day        TEXT    NOT NULL,
            value      INTEGER NOT NULL,
            PRIMARY KEY (service_id, counter, day)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS opt_outs (
            phone      TEXT    NOT NULL PRIMARY KEY,
            opted_out  INTEGER NOT NULL,
            updated_at TEXT    NOT NULL
        );
        """,

        // 2: staff accounts for the inbox sign-in.
        """
        CREATE TABLE IF NOT EXISTS staff_accounts (
            email_key   TEXT    NOT NULL PRIMARY KEY,
            service_ids TEXT    NOT NULL,
            version     INTEGER NOT NULL,
            document    TEXT    NOT NULL
        );
        """,

        // 3: Direct Line activity batches (web chat streams), numbered per conversation.
        """
        CREATE TABLE IF NOT EXISTS activity_batches (
            conversation_id    TEXT    NOT NULL,
            sequence           INTEGER NOT NULL,
            client_activity_id TEXT,
            activities         TEXT    NOT NULL,
            at                 TEXT    NOT NULL,
            PRIMARY KEY (conversation_id, sequence)
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX IF NOT EXISTS ux_activity_batches_client
            ON activity_batches (conversation_id, client_activity_id) WHERE client_activity_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_activity_batches_at ON activity_batches (at);
        """,

        // 4: the service number an outbound text goes from.
        """
        ALTER TABLE outbox ADD COLUMN sender TEXT;
        """,

        // 5: links texted to patients from the inbox; a follow-up link is found by its token's hash.
        """
        CREATE TABLE IF NOT EXISTS sent_links (
            id         TEXT    NOT NULL PRIMARY KEY,
            service_id TEXT    NOT NULL,
            token_hash TEXT    UNIQUE,
            sent_at    TEXT    NOT NULL,
            version    INTEGER NOT NULL,
            document   TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_sent_links_service_sent_at ON sent_links (service_id, sent_at);
        """,

        // 6: messages on a request (staff texts and their delivery, the patient's replies); requests found by contact number.
        """
        CREATE TABLE IF NOT EXISTS messages (
            id                  TEXT    NOT NULL PRIMARY KEY,
            reference_id        TEXT    NOT NULL,
            service_id          TEXT    NOT NULL,
            direction           TEXT    NOT NULL,
            phone               TEXT,
            author              TEXT,
            status              TEXT,
            provider_message_id TEXT,
            dedupe_key          TEXT    UNIQUE,
            created_at          TEXT    NOT NULL,
            unread              INTEGER NOT NULL,
            document            TEXT    NOT NULL
        );
        CREATE INDEX IF NOT EXISTS ix_messages_reference ON messages (reference_id, created_at);
        CREATE INDEX IF NOT EXISTS ix_messages_provider ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_messages_unread ON messages (reference_id) WHERE unread = 1;
        CREATE INDEX IF NOT EXISTS ix_messages_staff_texts ON messages (service_id, phone, created_at) WHERE author IS NOT NULL;

        ALTER TABLE requests ADD COLUMN contact_phone TEXT;
        UPDATE requests SET contact_phone = json_extract(document, '$.contact.phone');
        CREATE INDEX IF NOT EXISTS ix_requests_service_phone_created ON requests (service_id, contact_phone, created_at);
        """,

        // 7: triage and reports. Columns for the urgency sort, the queues, the emergency alert and the
        // reports, filled in for requests already there from their documents and the audit trail (the
        // first staff change, and the first time someone opened the request's page).
        """
        ALTER TABLE requests ADD COLUMN urgency INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE requests ADD COLUMN assigned_to TEXT;
        ALTER TABLE requests ADD COLUMN first_action_at TEXT;
        ALTER TABLE requests ADD COLUMN awaiting_opening INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE requests ADD COLUMN channel TEXT NOT NULL DEFAULT '';
        ALTER TABLE requests ADD COLUMN request_type TEXT NOT NULL DEFAULT '';
        UPDATE requests SET
            urgency = CASE
                WHEN EXISTS (SELECT 1 FROM json_each(document, '$.redFlags') WHERE json_extract(value, '$.severity') = 'emergency') THEN 2
                WHEN EXISTS (SELECT 1 FROM json_each(document, '$.redFlags') WHERE json_extract(value, '$.severity') = 'urgent') THEN 1
                ELSE 0 END,
            assigned_to = json_extract(document, '$.assignedTo'),
            channel = json_extract(document, '$.channel'),
            request_type = json_extract(document, '$.requestType'),
            first_action_at = (
                SELECT MIN(a.at) FROM audit a
                WHERE a.reference_id = requests.reference_id
                  AND a.action IN ('request.assigned', 'request.status-changed', 'request.note-added', 'request.texted', 'request.rematch-requested', 'request.matched-manually'));
        UPDATE requests SET document = json_set(document, '$.firstActionAt', first_action_at) WHERE first_action_at IS NOT NULL;
        UPDATE requests SET document = json_set(document, '$.firstOpened', (
                SELECT json_object('at', a.at, 'by', a.actor) FROM audit a
                WHERE a.reference_id = requests.reference_id AND a.action = 'request.viewed'
                ORDER BY a.at, a.id LIMIT 1))
            WHERE EXISTS (SELECT 1 FROM audit a WHERE a.reference_id = requests.reference_id AND a.action = 'request.viewed');
        UPDATE requests SET awaiting_opening = 1 WHERE urgency = 2 AND json_extract(document, '$.firstOpened') IS NULL;
        CREATE INDEX IF NOT EXISTS ix_requests_service_urgency_created ON requests (service_id, urgency, created_at);
        CREATE INDEX IF NOT EXISTS ix_requests_service_assigned ON requests (service_id, assigned_to, created_at);
        CREATE INDEX IF NOT EXISTS ix_requests_awaiting_opening ON requests (service_id, created_at) WHERE awaiting_opening = 1;
        -- The reports read a period of a service's requests from this index alone: the columns they count are
        -- stored after the (large) document in each row, so reading them from the table would read the documents too.
        CREATE INDEX IF NOT EXISTS ix_requests_reports ON requests (service_id, created_at, channel, request_type_id, request_type, matched, match_reason, urgency, first_action_at);
        """,

        // 8: photos sent with requests, each with its hash.
        """
        CREATE TABLE IF NOT EXISTS attachments (
            id               TEXT    NOT NULL PRIMARY KEY,
            conversation_key TEXT    NOT NULL,
            service_id       TEXT    NOT NULL,
            content_type     TEXT    NOT NULL,
            bytes            INTEGER NOT NULL,
            width            INTEGER NOT NULL,
            height           INTEGER NOT NULL,
            sha256           TEXT    NOT NULL,
            created_at       TEXT    NOT NULL,
            content          BLOB    NOT NULL
        );
        """,

        // 9: the FHIR webhook's queue, one delivery per request.
        """
        CREATE TABLE IF NOT EXISTS webhook_deliveries (
            id              TEXT    NOT NULL PRIMARY KEY,
            service_id      TEXT    NOT NULL,
            reference_id    TEXT    NOT NULL,
            created_at      TEXT    NOT NULL,
            status          TEXT    NOT NULL,
            attempts        INTEGER NOT NULL,
            next_attempt_at TEXT    NOT NULL,
            delivered_at    TEXT,
            error           TEXT
        );
        CREATE INDEX IF NOT EXISTS ix_webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
        """,

        // 10: the inputs already applied (a keyed hash of each MessageSid and clientActivityID), kept a few days.
        """
        CREATE TABLE IF NOT EXISTS applied_inputs (
            key        TEXT    NOT NULL PRIMARY KEY,
            applied_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_applied_inputs_at ON applied_inputs (applied_at);
        """,

        // 11: the Data Protection key ring, shared by every host on this file.
        """
        CREATE TABLE IF NOT EXISTS key_ring (
            name       TEXT NOT NULL PRIMARY KEY,
            xml        TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        """,

        // 12: counts for limits every host shares (texts per sender), one row per key and fixed window.
        """
        CREATE TABLE IF NOT EXISTS rate_counters (
            key          TEXT    NOT NULL,
            window_start INTEGER NOT NULL,
            count        INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL,
            PRIMARY KEY (key, window_start)
        );
        CREATE INDEX IF NOT EXISTS ix_rate_counters_expires ON rate_counters (expires_at);
        """,

        // 13: retention. Audit lines may be removed only by the purger, which names the cut-off in audit_purge
        // inside its own transaction; any other delete is still refused. Done requests are found by a small index.
        """
        CREATE TABLE IF NOT EXISTS audit_purge (before TEXT NOT NULL);
        DROP TRIGGER IF EXISTS audit_no_delete;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        WHEN NOT EXISTS (SELECT 1 FROM audit_purge WHERE OLD.at < audit_purge.before)
        BEGIN
            SELECT RAISE(ABORT, 'the audit trail is append-only');
        END;
        CREATE INDEX IF NOT EXISTS ix_requests_done ON requests (created_at) WHERE status = 'done';
        """,

        // 14: waits that grow with each failure, shared by every host (sign-in per client address and per unknown email).
        """
        CREATE TABLE IF NOT EXISTS rate_backoffs (
            key          TEXT    NOT NULL PRIMARY KEY,
            failures     INTEGER NOT NULL,
            window_start INTEGER NOT NULL,
            not_before   INTEGER NOT NULL,
            expires_at   INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS ix_rate_backoffs_expires ON rate_backoffs (expires_at);
        """,
    ];

    /// <summary>The schema version this code writes and reads.</summary>
    public static long CurrentVersion => Migrations.Length;

    /// <summary>Brings the file up to <see cref="CurrentVersion"/> inside the caller's write transaction.</summary>
    public static async Task<long> MigrateAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        long version;
        await using (var read = connection.CreateCommand())
        {
            read.Transaction = transaction;
            read.CommandText = "PRAGMA user_version;";
            version = (long)(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (version > CurrentVersion)
        {
            // Refuse rather than guess: an older build writing to a newer schema could lose data.
            throw new InvalidOperationException(
                $"The database is at schema version {version}, newer than this build knows ({CurrentVersion}).");
        }

        for (var next = version; next < CurrentVersion; next++)
        {
            await using var step = connection.CreateCommand();
            step.Transaction = transaction;
            // user_version takes no parameters; the value is our own integer, not input.
            step.CommandText = Migrations[next] + $"\nPRAGMA user_version = {next + 1};";
            await step.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return CurrentVersion;
    }
}
