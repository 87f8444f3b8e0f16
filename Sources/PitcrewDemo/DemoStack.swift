import PitcrewCore
import PitcrewStack
import PitcrewStore
import SQLKit

/// The demo's martech details beyond tools and contracts: capabilities, integrations (with a cycle through the
/// warehouse), the tools campaigns use, uptime checks with 90 days of history and an open incident, reviews, purchase
/// requests at each stage, and the renewal alerts due today.
struct DemoStack {
    let database: Database
    let scope: AccessScope
    let toolIDs: [String: String]
    let today: CalendarDate

    /// Capability tags by subcategory; tools in different subcategories that share two tags overlap.
    static let capabilities: [String: [String]] = [
        "marketing_automation": ["email", "forms", "landing_pages", "lead_scoring", "nurture"],
        "crm": ["pipeline", "accounts", "forecasting"],
        "sales_engagement": ["sequences", "dialer", "email"],
        "sales_intelligence": ["call_recording", "forecasting"],
        "data_enrichment": ["enrichment", "contact_data", "intent"],
        "abm": ["intent", "account_ads", "enrichment"],
        "landing_pages": ["landing_pages", "forms", "ab_testing"],
        "optimization_testing": ["ab_testing", "heatmaps", "session_replay"],
        "product_analytics": ["event_analytics", "funnels", "cohorts"],
        "web_analytics": ["event_analytics", "funnels"],
        "bi_dashboards": ["dashboards", "reporting"],
        "attribution": ["attribution", "reporting"],
        "reverse_etl": ["audience_sync", "warehouse_sync"],
        "cdp": ["event_collection", "audience_sync", "identity"],
        "events_webinars": ["webinars", "registration"],
        "conversational": ["chat", "meeting_booking"],
        "feedback_surveys": ["surveys", "forms"],
        "social_media_management": ["publishing", "social_listening"],
        "project_management": ["tasks", "intake", "timelines"],
        "collaboration": ["docs", "databases"],
        "seo": ["keyword_research", "site_audit"],
        "video": ["video_hosting", "video_analytics"],
        "creative_design": ["design", "templates"],
    ]

    /// Tools whose contracts promise an uptime SLA (and have uptime checks).
    static let slaTools: Set<String> = [
        "HubSpot Marketing Hub", "Salesforce Sales Cloud", "Segment", "Snowflake", "Fivetran", "Outreach", "Gong", "Zapier", "Webflow",
        "ON24", "Drift", "Looker",
    ]

    /// (source, target, objects, direction, cadence, status)
    static let integrations: [(String, String, [String], String, String, String)] = [
        ("HubSpot Marketing Hub", "Salesforce Sales Cloud", ["contacts", "leads", "accounts", "opportunities"], "two_way", "real_time", "active"),
        ("Salesforce Sales Cloud", "Gong", ["contacts", "opportunities"], "one_way", "hourly", "active"),
        ("Salesforce Sales Cloud", "Outreach", ["leads", "contacts"], "two_way", "real_time", "active"),
        ("ZoomInfo", "Salesforce Sales Cloud", ["accounts", "contacts"], "one_way", "daily", "active"),
        ("Clearbit", "HubSpot Marketing Hub", ["contacts", "accounts"], "one_way", "real_time", "active"),
        ("6sense", "Salesforce Sales Cloud", ["accounts", "intent"], "one_way", "daily", "active"),
        ("6sense", "HubSpot Marketing Hub", ["accounts", "intent"], "one_way", "daily", "active"),
        ("Google Ads", "HubSpot Marketing Hub", ["leads"], "one_way", "hourly", "active"),
        ("LinkedIn Campaign Manager", "HubSpot Marketing Hub", ["leads"], "one_way", "hourly", "active"),
        ("Meta Ads Manager", "HubSpot Marketing Hub", ["leads"], "one_way", "hourly", "broken"),
        ("Webflow", "Segment", ["events"], "one_way", "real_time", "active"),
        ("HubSpot Marketing Hub", "Segment", ["events", "contacts"], "one_way", "real_time", "active"),
        ("Segment", "Snowflake", ["events", "contacts"], "one_way", "hourly", "active"),
        ("Segment", "Mixpanel", ["events"], "one_way", "real_time", "active"),
        ("Segment", "Amplitude", ["events"], "one_way", "real_time", "disabled"),
        ("Segment", "Google Analytics 4", ["events"], "one_way", "real_time", "active"),
        ("Salesforce Sales Cloud", "Fivetran", ["accounts", "opportunities"], "one_way", "hourly", "active"),
        ("Google Ads", "Fivetran", ["spend"], "one_way", "daily", "active"),
        ("LinkedIn Campaign Manager", "Fivetran", ["spend"], "one_way", "daily", "active"),
        ("Meta Ads Manager", "Fivetran", ["spend"], "one_way", "daily", "active"),
        ("Fivetran", "Snowflake", ["accounts", "opportunities", "spend"], "one_way", "hourly", "active"),
        ("Snowflake", "dbt Cloud", ["tables"], "one_way", "hourly", "active"),
        ("dbt Cloud", "Snowflake", ["tables", "models"], "one_way", "hourly", "active"),
        ("Snowflake", "Hightouch", ["audiences", "contacts"], "one_way", "daily", "active"),
        ("Hightouch", "HubSpot Marketing Hub", ["audiences", "contacts"], "one_way", "daily", "active"),
        ("Hightouch", "LinkedIn Campaign Manager", ["audiences"], "one_way", "daily", "active"),
        ("Snowflake", "Looker", ["models", "spend", "opportunities", "events"], "one_way", "hourly", "active"),
        ("Snowflake", "Tableau", ["models"], "one_way", "daily", "active"),
        ("Salesforce Sales Cloud", "Dreamdata", ["accounts", "opportunities"], "one_way", "daily", "active"),
        ("Segment", "Dreamdata", ["events"], "one_way", "real_time", "active"),
        ("ON24", "HubSpot Marketing Hub", ["contacts", "registrations"], "one_way", "hourly", "active"),
        ("Zoom Webinars", "HubSpot Marketing Hub", ["contacts", "registrations"], "one_way", "hourly", "active"),
        ("Cvent", "Salesforce Sales Cloud", ["contacts", "registrations"], "one_way", "daily", "active"),
        ("Drift", "HubSpot Marketing Hub", ["contacts", "conversations"], "one_way", "real_time", "active"),
        ("Intercom", "Salesforce Sales Cloud", ["contacts", "conversations"], "one_way", "real_time", "active"),
        ("Typeform", "Zapier", ["contacts"], "one_way", "real_time", "active"),
        ("Zapier", "HubSpot Marketing Hub", ["contacts"], "one_way", "real_time", "active"),
        ("Salesforce Sales Cloud", "Gainsight", ["accounts", "opportunities"], "one_way", "daily", "active"),
        ("Marketo Engage", "Salesforce Sales Cloud", ["leads"], "two_way", "real_time", "disabled"),
        ("Census", "Salesforce Sales Cloud", ["accounts"], "one_way", "daily", "planned"),
        ("Allocadia", "Snowflake", ["budget"], "one_way", "weekly", "active"),
        ("Asana", "Allocadia", ["budget"], "one_way", "manual", "planned"),
    ]

    /// Tools a campaign uses, by its channel.
    static let channelTools: [String: [String]] = [
        "Paid Search": ["Google Ads"], "Paid Social": ["LinkedIn Campaign Manager", "Meta Ads Manager"], "Display": ["StackAdapt"],
        "Email": ["Litmus"], "Events": ["Cvent"], "Webinar": ["ON24", "Zoom Webinars"], "Organic Social": ["Hootsuite"],
        "Organic Search": ["Semrush"],
    ]

    func write(campaigns: [DemoCampaign], rng: inout SeededGenerator) async throws -> [(String, Int)] {
        let workspaceID = scope.workspace.id
        let now = today.startMillis
        let (rows, advanced) = try await database.transaction { [toolIDs, today, rng] db in
            var rngCopy = rng
            var integrationRows = 0, linkRows = 0, checkRows = 0, dayRows = 0
            for (source, target, objects, direction, cadence, status) in Self.integrations {
                guard let from = toolIDs[source], let to = toolIDs[target] else { continue }
                let owner = ["Marketing Ops", "RevOps", "Data Team"][integrationRows % 3]
                try await db.raw(
                    """
                    INSERT INTO integrations (id, workspace_id, source_tool_id, target_tool_id, direction, objects, cadence, owner, status,
                                              created_at, updated_at)
                    VALUES (\(bind: Identifier.make(millis: UInt64(now), using: &rngCopy)), \(bind: workspaceID), \(bind: from), \(bind: to),
                            \(bind: direction), \(bind: "[" + objects.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]"), \(bind: cadence),
                            \(bind: owner), \(bind: status), \(bind: now), \(bind: now))
                    """
                ).run()
                integrationRows += 1
            }
            for campaign in campaigns {
                var tools = Set(["HubSpot Marketing Hub"] + (Self.channelTools[campaign.channel.name] ?? []))
                if campaign.channel.paid { tools.insert("Salesforce Sales Cloud") }
                for name in tools.sorted() {
                    guard let id = toolIDs[name] else { continue }
                    try await db.raw(
                        "INSERT INTO campaign_tools (workspace_id, campaign_id, tool_id) VALUES (\(bind: workspaceID), \(bind: campaign.id), \(bind: id))"
                    ).run()
                    linkRows += 1
                }
            }
            // Checks are created disabled: the demo has no internet to reach vendors' status pages. Their history is made up.
            for name in Self.slaTools.sorted() {
                guard let toolID = toolIDs[name] else { continue }
                let checkID = Identifier.make(millis: UInt64(now), using: &rngCopy)
                let host = name.lowercased().filter { $0.isLetter || $0.isNumber }
                try await db.raw(
                    """
                    INSERT INTO uptime_checks (id, workspace_id, tool_id, url, method, expected_status, interval_seconds, timeout_ms, enabled,
                                               next_run_at, created_at, updated_at)
                    VALUES (\(bind: checkID), \(bind: workspaceID), \(bind: toolID), \(bind: "https://status.\(host).com/api/v2/status.json"), 'GET',
                            200, 300, 10000, \(bind: false), \(bind: now), \(bind: now), \(bind: now))
                    """
                ).run()
                checkRows += 1
                let flaky = name == "Zapier" || name == "Drift"
                for back in 0..<90 {
                    let day = today.adding(days: -back)
                    let down = flaky ? rngCopy.int(0...12) : (rngCopy.chance(0.05) ? rngCopy.int(1...6) : 0)
                    try await db.raw(
                        """
                        INSERT INTO uptime_daily (workspace_id, check_id, day, up_count, total, latency_sum)
                        VALUES (\(bind: workspaceID), \(bind: checkID), \(bind: day.description), \(bind: Int64(288 - down)), 288,
                                \(bind: Int64(288 * rngCopy.int(90...420))))
                        """
                    ).run()
                    dayRows += 1
                }
                if name == "Zapier" {
                    try await db.raw(
                        """
                        INSERT INTO incidents (id, workspace_id, tool_id, check_id, opened_at, closed_at, cause)
                        VALUES (\(bind: Identifier.make(millis: UInt64(now), using: &rngCopy)), \(bind: workspaceID), \(bind: toolID), \(bind: checkID),
                                \(bind: now - 3_600_000), NULL, 'expected status 200, got 503')
                        """
                    ).run()
                }
            }
            return ([("integrations", integrationRows), ("campaign_tools", linkRows), ("uptime_checks", checkRows), ("uptime_daily", dayRows)], rngCopy)
        }
        rng = advanced
        let stack = StackServices(database: database)
        var reviewRows = 0
        for (tool, kind) in [("Clearbit", "privacy"), ("6sense", "security"), ("Drift", "privacy"), ("Snowflake", "security")] {
            guard let id = toolIDs[tool] else { continue }
            let items = try await stack.reviews.start(scope, toolID: id, kind: kind).items
            reviewRows += items.count
            for (index, item) in items.enumerated() where index < items.count - 1 || tool == "Snowflake" {
                var patch = ReviewItemPatch()
                patch.status = .set(tool == "Drift" && index == 1 ? "failed" : "passed")
                patch.reviewer = .set(kind == "privacy" ? "Priya (Legal)" : "Sam (Security)")
                patch.answer = .set(tool == "Drift" && index == 1 ? "No DPA on file yet" : "Confirmed with the vendor")
                patch.evidenceURL = .set("https://trust.\(tool.lowercased().filter(\.isLetter)).com/")
                patch.nextReviewDate = .set(today.adding(days: 365).description)
                _ = try await stack.reviews.update(scope, id: item.id, patch)
            }
        }
        var requests = 0
        for (name, reason, cost, decisions) in [
            ("Mutiny", "Website personalization for the ABM tier", Int64(3_600_000), [true, true, true]),
            ("Demandbase expansion", "Twenty more seats for the SDR team", Int64(2_400_000), [true]),
            ("Jasper", "AI copy drafts for paid social", Int64(600_000), [true, false]),
            ("Chili Piper", "Meeting routing from forms", Int64(1_500_000), []),
        ] {
            let request = try await stack.purchases.create(scope, toolName: name, toolID: nil, reason: reason, costMinor: cost, currency: "USD")
            for approve in decisions {
                _ = try await stack.purchases.decide(scope, id: request.id, approve: approve, comment: approve ? "OK" : "Not this quarter")
            }
            requests += 1
        }
        let alerts = try await stack.alerts.scanRenewals(today: today)
        return rows + [("tool_reviews", reviewRows), ("purchase_requests", requests), ("alerts", alerts)]
    }
}
