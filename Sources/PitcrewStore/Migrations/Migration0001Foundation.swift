/// Tenancy, access, audit, and the core marketing tables every area reads: contacts, accounts, events, touchpoints,
/// opportunities, campaigns, channels, spend, and the martech inventory (tools, contracts).
/// Portable types: ids TEXT (UUIDv7), instants BIGINT epoch ms, calendar days TEXT `YYYY-MM-DD`, money BIGINT minor units,
/// JSON as TEXT.
enum Migration0001Foundation {
    static let migration = Migration(name: "0001_foundation") { _ in
        [
            """
            CREATE TABLE workspaces (
                id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
                currency TEXT NOT NULL DEFAULT 'USD', created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE users (
                id TEXT PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, password_hash TEXT NOT NULL,
                created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE memberships (
                workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                role TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, user_id))
            """,
            "CREATE INDEX memberships_user ON memberships (user_id)",
            """
            CREATE TABLE sessions (
                token_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                workspace_id TEXT REFERENCES workspaces(id) ON DELETE SET NULL, csrf_token TEXT NOT NULL,
                created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sessions_user ON sessions (user_id)",
            """
            CREATE TABLE api_tokens (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, prefix TEXT NOT NULL,
                created_by TEXT REFERENCES users(id) ON DELETE SET NULL, created_at BIGINT NOT NULL,
                last_used_at BIGINT, revoked_at BIGINT)
            """,
            "CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, id)",
            """
            CREATE TABLE audit_log (
                id TEXT PRIMARY KEY, workspace_id TEXT REFERENCES workspaces(id) ON DELETE CASCADE,
                actor_kind TEXT NOT NULL, actor_id TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL,
                entity_id TEXT NOT NULL, before_json TEXT, after_json TEXT, at BIGINT NOT NULL)
            """,
            "CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id)",
            """
            CREATE TABLE channels (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, kind TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE campaigns (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, channel_id TEXT REFERENCES channels(id) ON DELETE SET NULL, utm_campaign TEXT,
                status TEXT NOT NULL, start_date TEXT, end_date TEXT, budget_minor BIGINT, currency TEXT,
                owner_user_id TEXT REFERENCES users(id) ON DELETE SET NULL, created_at BIGINT NOT NULL,
                updated_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            "CREATE INDEX campaigns_utm ON campaigns (workspace_id, utm_campaign)",
            """
            CREATE TABLE accounts (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, domain TEXT, industry TEXT, employees BIGINT, country TEXT, external_id TEXT,
                traits TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX accounts_domain ON accounts (workspace_id, domain)",
            """
            CREATE TABLE contacts (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                email TEXT, first_name TEXT, last_name TEXT, title TEXT, phone TEXT, country TEXT,
                account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL, lifecycle_stage TEXT, external_id TEXT,
                traits TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX contacts_email ON contacts (workspace_id, email)",
            "CREATE INDEX contacts_account ON contacts (workspace_id, account_id)",
            """
            CREATE TABLE events (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                message_id TEXT NOT NULL, type TEXT NOT NULL, name TEXT, anonymous_id TEXT, user_id TEXT,
                contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL, occurred_at BIGINT NOT NULL,
                received_at BIGINT NOT NULL, properties TEXT, context TEXT, UNIQUE (workspace_id, message_id))
            """,
            "CREATE INDEX events_time ON events (workspace_id, occurred_at)",
            "CREATE INDEX events_contact ON events (workspace_id, contact_id, occurred_at)",
            """
            CREATE TABLE touchpoints (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                contact_id TEXT REFERENCES contacts(id) ON DELETE CASCADE, account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL,
                occurred_at BIGINT NOT NULL, channel TEXT NOT NULL, source TEXT, medium TEXT, campaign TEXT, content TEXT,
                term TEXT, landing_url TEXT, campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,
                event_id TEXT, offline BOOLEAN NOT NULL DEFAULT FALSE)
            """,
            "CREATE INDEX touchpoints_contact ON touchpoints (workspace_id, contact_id, occurred_at)",
            "CREATE INDEX touchpoints_time ON touchpoints (workspace_id, occurred_at)",
            """
            CREATE TABLE opportunities (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                account_id TEXT REFERENCES accounts(id) ON DELETE SET NULL, contact_id TEXT REFERENCES contacts(id) ON DELETE SET NULL,
                name TEXT NOT NULL, stage TEXT NOT NULL, amount_minor BIGINT NOT NULL, currency TEXT NOT NULL,
                created_at BIGINT NOT NULL, closed_at BIGINT, won BOOLEAN NOT NULL DEFAULT FALSE, external_id TEXT)
            """,
            "CREATE INDEX opportunities_account ON opportunities (workspace_id, account_id)",
            """
            CREATE TABLE spend (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                day TEXT NOT NULL, channel TEXT NOT NULL, campaign_id TEXT REFERENCES campaigns(id) ON DELETE SET NULL,
                cost_minor BIGINT NOT NULL, currency TEXT NOT NULL, impressions BIGINT NOT NULL DEFAULT 0,
                clicks BIGINT NOT NULL DEFAULT 0, source TEXT)
            """,
            "CREATE INDEX spend_day ON spend (workspace_id, day)",
            """
            CREATE TABLE tools (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                name TEXT NOT NULL, vendor TEXT, website TEXT, category TEXT NOT NULL, subcategory TEXT,
                status TEXT NOT NULL, business_owner TEXT, technical_owner TEXT, capabilities TEXT, teams TEXT, notes TEXT,
                created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE contracts (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE, amount_minor BIGINT NOT NULL,
                currency TEXT NOT NULL, billing_period TEXT NOT NULL, seats BIGINT, start_date TEXT NOT NULL,
                end_date TEXT NOT NULL, auto_renew BOOLEAN NOT NULL DEFAULT FALSE, notice_days BIGINT NOT NULL DEFAULT 0,
                created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX contracts_tool ON contracts (workspace_id, tool_id)",
            """
            CREATE TABLE tool_usage (
                id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
                tool_id TEXT NOT NULL REFERENCES tools(id) ON DELETE CASCADE, user_email TEXT NOT NULL,
                last_active_at BIGINT NOT NULL, feature TEXT)
            """,
            "CREATE INDEX tool_usage_tool ON tool_usage (workspace_id, tool_id)",
        ]
    }
}
