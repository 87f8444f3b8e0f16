/// MarTech stack management (issue #5) and the durable job queue it runs on:
/// - tools gain playbook links; contracts an uptime SLA target (basis points, 9990 = 99.90 %) and notes;
/// - integrations between tools (the data-flow map), campaigns' tools (impact analysis);
/// - uptime checks, their results (raw for a week, daily rollups for the percentages) and incidents; hosts an admin allows outbound requests to reach;
/// - in-app alerts (renewals), review checklists, purchase requests and their approval decisions;
/// - `jobs`: the background queue (one pending job per `unique_key`).
enum Migration0005Stack {
    static let migration = Migration(name: "0005_stack") { _ in
        [
            "ALTER TABLE tools ADD COLUMN playbook_links TEXT",
            "ALTER TABLE contracts ADD COLUMN sla_uptime_bp BIGINT",
            "ALTER TABLE contracts ADD COLUMN notes TEXT",
            "ALTER TABLE workspaces ADD COLUMN alert_emails TEXT",
            "ALTER TABLE workspaces ADD COLUMN alert_webhook_url TEXT",
            "ALTER TABLE workspaces ADD COLUMN approval_chain TEXT",
            // The stack's reports read every activity row of a workspace: from this index alone, without the table.
            "CREATE INDEX tool_usage_cover ON tool_usage (workspace_id, tool_id, user_email, last_active_at, feature)",
            """
            CREATE TABLE integrations (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                source_tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
                target_tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
                direction TEXT NOT NULL, objects TEXT NOT NULL, cadence TEXT NOT NULL, owner TEXT, status TEXT NOT NULL, notes TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (workspace_id, source_tool_id, target_tool_id))
            """,
            "CREATE INDEX integrations_target ON integrations (workspace_id, target_tool_id)",
            """
            CREATE TABLE campaign_tools (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE, PRIMARY KEY (campaign_id, tool_id))
            """,
            "CREATE INDEX campaign_tools_tool ON campaign_tools (workspace_id, tool_id)",
            """
            CREATE TABLE uptime_checks (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE, url TEXT NOT NULL, method TEXT NOT NULL,
                expected_status BIGINT NOT NULL, interval_seconds BIGINT NOT NULL, timeout_ms BIGINT NOT NULL,
                enabled BOOLEAN NOT NULL, next_run_at BIGINT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX uptime_checks_tool ON uptime_checks (workspace_id, tool_id)",
            "CREATE INDEX uptime_checks_due ON uptime_checks (next_run_at)",
            """
            CREATE TABLE uptime_results (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                check_id TEXT NOT NULL REFERENCES uptime_checks(id) ON DELETE CASCADE, checked_at BIGINT NOT NULL,
                up BOOLEAN NOT NULL, status_code BIGINT, latency_ms BIGINT NOT NULL, error TEXT)
            """,
            "CREATE INDEX uptime_results_check ON uptime_results (check_id, checked_at)",
            """
            CREATE TABLE uptime_daily (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                check_id TEXT NOT NULL REFERENCES uptime_checks(id) ON DELETE CASCADE, day TEXT NOT NULL,
                up_count BIGINT NOT NULL, total BIGINT NOT NULL, latency_sum BIGINT NOT NULL, PRIMARY KEY (check_id, day))
            """,
            "CREATE INDEX uptime_daily_workspace ON uptime_daily (workspace_id, day)",
            """
            CREATE TABLE incidents (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE,
                check_id TEXT NOT NULL REFERENCES uptime_checks(id) ON DELETE CASCADE,
                opened_at BIGINT NOT NULL, closed_at BIGINT, cause TEXT NOT NULL)
            """,
            "CREATE INDEX incidents_tool ON incidents (workspace_id, tool_id, opened_at)",
            """
            CREATE TABLE outbound_allowed_hosts (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, host TEXT NOT NULL,
                created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, host))
            """,
            """
            CREATE TABLE alerts (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                kind TEXT NOT NULL, alert_key TEXT NOT NULL, entity_id TEXT, title TEXT NOT NULL, due_date TEXT,
                created_at BIGINT NOT NULL, read_at BIGINT, UNIQUE (workspace_id, alert_key))
            """,
            """
            CREATE TABLE tool_reviews (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE, kind TEXT NOT NULL, question TEXT NOT NULL,
                answer TEXT, evidence_url TEXT, reviewer TEXT, status TEXT NOT NULL, next_review_date TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX tool_reviews_tool ON tool_reviews (workspace_id, tool_id)",
            """
            CREATE TABLE purchase_requests (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_name TEXT NOT NULL, tool_id TEXT REFERENCES tools(id) ON DELETE SET NULL, reason TEXT NOT NULL,
                cost_minor BIGINT NOT NULL, currency TEXT NOT NULL, requester_user_id TEXT NOT NULL, chain TEXT NOT NULL,
                current_step BIGINT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE purchase_decisions (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                request_id TEXT NOT NULL REFERENCES purchase_requests(id) ON DELETE CASCADE, step BIGINT NOT NULL,
                step_name TEXT NOT NULL, decision TEXT NOT NULL, user_id TEXT NOT NULL, comment TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX purchase_decisions_request ON purchase_decisions (request_id, step)",
            """
            CREATE TABLE jobs (
                id TEXT PRIMARY KEY, workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE, kind TEXT NOT NULL,
                payload TEXT NOT NULL, unique_key TEXT, run_at BIGINT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL,
                max_attempts BIGINT NOT NULL, locked_until BIGINT, last_error TEXT, created_at BIGINT NOT NULL, finished_at BIGINT)
            """,
            "CREATE INDEX jobs_due ON jobs (status, run_at)",
            "CREATE UNIQUE INDEX jobs_unique_open ON jobs (unique_key) WHERE status IN ('pending', 'running')",
        ]
    }
}
