import Foundation
import PitcrewIngest

/// The OpenAPI 3.1 description of every route, served at `/api/v1/openapi.json`.
/// A test compares it with the router, so a route cannot ship undocumented.
enum OpenAPIDocument {
    struct Operation {
        var method: String
        var path: String
        var summary: String
        var tag: String
        var auth: Bool = true
        var body: String? = nil
        var response: String? = nil
        var list: Bool = false
        var status: Int = 200
        var parameters: [String] = []
    }

    static let operations: [Operation] = [
        Operation(method: "get", path: "/healthz", summary: "Liveness: the process answers", tag: "ops", auth: false),
        Operation(method: "get", path: "/readyz", summary: "Readiness: the database answers", tag: "ops", auth: false),
        Operation(method: "get", path: "/metrics", summary: "Prometheus metrics (text exposition format)", tag: "ops", auth: false),
        Operation(method: "get", path: "/api/v1/openapi.json", summary: "This document", tag: "ops", auth: false),
        Operation(method: "get", path: "/api/v1/workspaces", summary: "Workspaces the caller may see", tag: "access", response: "Workspace", list: true),
        Operation(method: "get", path: "/api/v1/members", summary: "Members of the workspace", tag: "access", response: "Member", list: true, parameters: ["limit", "cursor"]),
        Operation(method: "put", path: "/api/v1/members", summary: "Add a user to the workspace or change their role (admin)", tag: "access", body: "MemberInput", response: "Member"),
        Operation(method: "delete", path: "/api/v1/members/{user_id}", summary: "Remove a member (admin)", tag: "access", status: 204),
        Operation(method: "get", path: "/api/v1/tokens", summary: "API tokens of the workspace (admin)", tag: "access", response: "Token", list: true, parameters: ["limit", "cursor"]),
        Operation(method: "post", path: "/api/v1/tokens", summary: "Create an API token; the secret is in this response only (admin)", tag: "access", body: "TokenInput", response: "Token", status: 201),
        Operation(method: "delete", path: "/api/v1/tokens/{id}", summary: "Revoke an API token (admin)", tag: "access", response: "Token"),
        Operation(method: "get", path: "/api/v1/audit-log", summary: "Audit trail of every write, newest first (admin)", tag: "access", response: "AuditEntry", list: true, parameters: ["limit", "cursor"]),
        Operation(method: "get", path: "/api/v1/campaigns", summary: "Campaigns", tag: "campaigns", response: "Campaign", list: true, parameters: ["limit", "cursor", "status"]),
        Operation(method: "post", path: "/api/v1/campaigns", summary: "Create a campaign (marketer)", tag: "campaigns", body: "CampaignInput", response: "Campaign", status: 201),
        Operation(method: "get", path: "/api/v1/campaigns/{id}", summary: "One campaign", tag: "campaigns", response: "Campaign"),
        Operation(method: "patch", path: "/api/v1/campaigns/{id}", summary: "Change a campaign; absent fields stay, null clears (marketer)", tag: "campaigns", body: "CampaignInput", response: "Campaign"),
        Operation(method: "delete", path: "/api/v1/campaigns/{id}", summary: "Delete a campaign (marketer)", tag: "campaigns", status: 204),
        Operation(method: "get", path: "/api/v1/channels", summary: "Channels", tag: "campaigns", response: "Channel", list: true, parameters: ["limit", "cursor"]),
        Operation(method: "post", path: "/api/v1/channels", summary: "Create a channel (marketer)", tag: "campaigns", body: "ChannelInput", response: "Channel", status: 201),
        Operation(method: "delete", path: "/api/v1/channels/{id}", summary: "Delete a channel (marketer)", tag: "campaigns", status: 204),
        Operation(method: "get", path: "/api/v1/summary", summary: "Home dashboard numbers of the workspace", tag: "campaigns", response: "Summary"),
        Operation(
            method: "get", path: "/api/v1/attribution", summary: "Multi-touch attribution with cost, CPA, ROAS and ROI per channel or campaign (analyst)",
            tag: "measure", response: "Attribution",
            parameters: ["models", "conversion", "unit", "dimension", "lookback_days", "from", "to", "order", "online_only", "bootstrap", "seed"]),
        Operation(
            method: "get", path: "/api/v1/funnels", summary: "Funnel over ordered events or lifecycle stages, with monthly cohorts", tag: "measure",
            response: "Funnel", parameters: ["steps", "from", "to"]),
        Operation(method: "get", path: "/api/v1/sources", summary: "Event sources of the workspace", tag: "data", response: "Source", list: true),
        Operation(
            method: "post", path: "/api/v1/sources", summary: "Create a source; its write key is in this response only (admin)", tag: "data",
            body: "SourceInput", response: "Source", status: 201),
        Operation(
            method: "post", path: "/api/v1/sources/{id}/rotate", summary: "Replace the write key; the old one stops working at once on this server, within 5 s on other servers of the database (admin)", tag: "data",
            response: "Source"),
        Operation(method: "delete", path: "/api/v1/sources/{id}", summary: "Revoke the write key; events stay (admin)", tag: "data", response: "Source"),
        Operation(
            method: "get", path: "/api/v1/sources/{id}/debugger", summary: "Live debugger: the last 100 messages with their validation result",
            tag: "data", response: "DebuggerEntry", list: true),
        Operation(
            method: "get", path: "/api/v1/events", summary: "Stored events, newest first", tag: "data", response: "Event", list: true,
            parameters: ["limit", "cursor", "type", "name", "contact_id", "anonymous_id", "user_id", "from", "to"]),
        Operation(method: "get", path: "/api/v1/events/stats", summary: "Event totals by type", tag: "data", response: "EventStats"),
        Operation(
            method: "get", path: "/api/v1/data-settings", summary: "Default country, channel grouping (GA4's unless set) and custom fields",
            tag: "data", response: "DataSettings"),
        Operation(
            method: "patch", path: "/api/v1/data-settings", summary: "Change the default country or the channel grouping; null resets (admin)",
            tag: "data", body: "DataSettingsInput", response: "DataSettings"),
        Operation(
            method: "put", path: "/api/v1/custom-fields", summary: "Define a typed custom field for contact or account traits (admin)",
            tag: "data", body: "CustomField", response: "CustomField"),
        Operation(
            method: "post", path: "/api/v1/imports",
            summary: "Import a CSV or JSON Lines file sent as the request body (marketer); all or nothing unless skip_bad_rows. "
                + "The import is recorded whatever its outcome: 201 with `status` succeeded, partial (bad rows skipped) or failed (nothing "
                + "written, every problem listed); a dry run answers 200 with status validated (or failed when rows have problems and skip_bad_rows is not set). Bad parameters are 400 problem+json. "
                + "A JSON Lines body may say so by its content type (application/x-ndjson) instead of format=jsonl.", tag: "data",
            response: "ImportReport", status: 201, parameters: ["kind", "format", "file_name", "dry_run", "skip_bad_rows", "mapping", "day_order"]),
        Operation(method: "get", path: "/api/v1/imports", summary: "Imports of the workspace, newest first", tag: "data", response: "ImportReport", list: true, parameters: ["limit", "cursor"]),
        Operation(method: "get", path: "/api/v1/imports/{id}", summary: "One import's report, with every problem (row, column, value, reason)", tag: "data", response: "ImportReport"),
        Operation(
            method: "get", path: "/api/v1/contacts", summary: "Contacts, newest first; q matches part of the email or name, or exactly a record id (the contact's own or another system's it keeps), a user id or an anonymous id", tag: "data",
            response: "ContactSummary", list: true, parameters: ["limit", "cursor", "q"]),
        Operation(
            method: "get", path: "/api/v1/contacts/{id}",
            summary: "One contact: every field, traits, identities, the contacts merged into it and its timeline (latest 200 events and touchpoints); the id of a contact merged away gives the contact it went into",
            tag: "data", response: "Contact"),
        Operation(
            method: "get", path: "/api/v1/accounts", summary: "Accounts, newest first, with their number of contacts; q matches part of the name or domain",
            tag: "data", response: "AccountSummary", list: true, parameters: ["limit", "cursor", "q"]),
        Operation(
            method: "get", path: "/api/v1/accounts/{id}", summary: "One account: every field, traits, its contacts (latest 200) and their timeline",
            tag: "data", response: "Account"),
        Operation(
            method: "post", path: "/api/v1/identity-merges/{id}/undo",
            summary: "Undo an identity merge: the merged contact returns with its identities, their events and touchpoints, and its opportunities (editor); 409 if already undone or its kept contact was merged again",
            tag: "data", response: "IdentityMerge"),
    ] + CollectionController.paths.flatMap { path, type in
        let what = type.map { "one \($0.rawValue) message" } ?? "a batch of messages (`{\"batch\": […]}`)"
        return [
            Operation(
                method: "post", path: "/v1/\(path)",
                summary: "Segment-compatible collection: \(what); write key as HTTP Basic user or `writeKey` in the body; 200 once committed",
                tag: "collect", auth: false, body: type == nil ? "SegmentBatch" : "SegmentMessage", response: "Collected"),
            Operation(method: "options", path: "/v1/\(path)", summary: "CORS preflight for browsers", tag: "collect", auth: false, status: 204),
        ]
    } + stackOperations

    static func string(_ type: String = "string", format: String? = nil, nullable: Bool = false, values: [String]? = nil) -> [String: Any] {
        var schema: [String: Any] = ["type": nullable ? [type, "null"] : type]
        if let format { schema["format"] = format }
        if let values { schema["enum"] = values }
        return schema
    }

    static func object(_ properties: [String: [String: Any]], required: [String] = []) -> [String: Any] {
        ["type": "object", "additionalProperties": false, "properties": properties, "required": required]
    }

    nonisolated(unsafe) static let money = object(["amount_minor": string("integer"), "currency": string(format: "iso4217")], required: ["amount_minor"])
    static let roles = ["viewer", "analyst", "marketer", "admin", "owner"]

    nonisolated(unsafe) static let schemas: [String: Any] = [
        "Problem": object(
            [
                "type": string(), "title": string(), "status": string("integer"), "detail": string(), "instance": string(),
                "request_id": string(),
                "errors": ["type": "array", "items": object(["field": string(), "message": string()])],
            ], required: ["title", "status", "detail"]),
        "Workspace": object(["id": string(format: "uuid"), "slug": string(), "name": string(), "role": string(values: roles), "created_at": string(format: "date-time")]),
        "Member": object(["user_id": string(format: "uuid"), "email": string(format: "email"), "name": string(), "role": string(values: roles), "joined_at": string(format: "date-time")]),
        "MemberInput": object(["email": string(format: "email"), "role": string(values: roles)], required: ["email", "role"]),
        "Token": object([
            "id": string(format: "uuid"), "name": string(), "role": string(values: roles), "prefix": string(),
            "created_at": string(format: "date-time"), "last_used_at": string(format: "date-time", nullable: true),
            "revoked_at": string(format: "date-time", nullable: true), "token": string(),
        ]),
        "TokenInput": object(["name": string(), "role": string(values: roles)], required: ["name", "role"]),
        "AuditEntry": object([
            "id": string(format: "uuid"), "actor_kind": string(values: ["user", "token", "system"]), "actor_id": string(), "action": string(),
            "entity": string(), "entity_id": string(), "before": string(nullable: true), "after": string(nullable: true), "at": string(format: "date-time"),
        ]),
        "Campaign": object([
            "id": string(format: "uuid"), "name": string(), "channel_id": string(format: "uuid", nullable: true),
            "utm_campaign": string(nullable: true), "status": string(values: ["planned", "active", "paused", "completed", "cancelled"]),
            "start_date": string(format: "date", nullable: true), "end_date": string(format: "date", nullable: true), "budget": money,
            "owner_user_id": string(format: "uuid", nullable: true), "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
        ]),
        "CampaignInput": object([
            "name": string(), "channel_id": string(format: "uuid", nullable: true), "utm_campaign": string(nullable: true),
            "status": string(values: ["planned", "active", "paused", "completed", "cancelled"]), "start_date": string(format: "date", nullable: true),
            "end_date": string(format: "date", nullable: true), "budget": money, "owner_user_id": string(format: "uuid", nullable: true),
        ]),
        "Attribution": object([
            "currency": string(), "from": string(format: "date"), "to": string(format: "date"), "conversion": string(), "unit": string(),
            "dimension": string(), "lookback_days": string("integer"), "models": ["type": "array", "items": string()],
            "skipped": ["type": "array", "items": object(["model": string(), "reason": string()])],
            "totals": object([
                "units": string("integer"), "journeys": string("integer"), "conversions": string("integer"),
                "conversions_without_touches": string("integer"), "value_without_touches_minor": string("integer"), "other_currency_conversions": string("integer"), "cost_minor": string("integer"),
            ]),
            "rows": ["type": "array", "items": object([
                "label": string(), "model": string(), "conversions": string("number"), "revenue_minor": string("integer"),
                "removal_effect": string("number", nullable: true), "cost_minor": string("integer", nullable: true),
                "cpa_minor": string("integer", nullable: true), "roas": string("number", nullable: true), "roi": string("number", nullable: true),
                "conversions_low": string("number", nullable: true), "conversions_high": string("number", nullable: true),
            ])],
        ]),
        "Funnel": object([
            "steps": ["type": "array", "items": object([
                "name": string(), "count": string("integer"), "from_previous": string("number"), "from_first": string("number"),
                "median_hours_from_previous": string("number", nullable: true),
            ])],
            "cohorts": ["type": "array", "items": object(["month": string(), "counts": ["type": "array", "items": string("integer")]])],
        ]),
        "Channel": object(["id": string(format: "uuid"), "name": string(), "kind": string(values: ["paid", "owned", "earned"]), "created_at": string(format: "date-time")]),
        "ChannelInput": object(["name": string(), "kind": string(values: ["paid", "owned", "earned"])], required: ["name", "kind"]),
        "Source": object([
            "id": string(format: "uuid"), "name": string(), "key_prefix": string(), "created_at": string(format: "date-time"),
            "rotated_at": string(format: "date-time", nullable: true), "revoked_at": string(format: "date-time", nullable: true),
            "last_event_at": string(format: "date-time", nullable: true), "write_key": string(),
        ]),
        "SourceInput": object(["name": string()], required: ["name"]),
        "DebuggerEntry": object([
            "at": string(format: "date-time"), "type": string(), "name": string(nullable: true), "message_id": string(nullable: true),
            "user_id": string(nullable: true), "anonymous_id": string(nullable: true), "accepted": string("boolean"),
            "notes": ["type": "array", "items": string()], "size": string("integer"),
        ]),
        "Event": object([
            "id": string(format: "uuid"), "message_id": string(), "type": string(values: ["track", "identify", "page", "screen", "group", "alias"]),
            "name": string(nullable: true), "anonymous_id": string(nullable: true), "user_id": string(nullable: true),
            "contact_id": string(format: "uuid", nullable: true), "source_id": string(format: "uuid", nullable: true),
            "occurred_at": string(format: "date-time"), "received_at": string(format: "date-time"),
            "properties": ["type": ["object", "null"]], "traits": ["type": ["object", "null"]], "context": ["type": ["object", "null"]],
        ]),
        "DataSettings": object([
            "default_country": string(nullable: true), "currency": string(), "channel_grouping": ["type": "object"],
            "custom_fields": ["type": "array", "items": ref("CustomField")],
        ]),
        "DataSettingsInput": object([
            "default_country": string(nullable: true), "currency": string(), "channel_grouping": ["type": ["object", "null"]],
        ]),
        "CustomField": object(
            ["entity": string(values: ["contact", "account"]), "key": string(), "label": string(), "type": string(values: ["text", "number", "boolean", "date"])],
            required: ["entity", "key", "label", "type"]),
        "ImportReport": object([
            "id": string(format: "uuid"), "kind": string(nullable: true), "file_name": string(), "preset": string(nullable: true),
            "status": string(values: ["running", "succeeded", "partial", "failed", "validated"]), "dry_run": string("boolean"),
            "skip_bad_rows": string("boolean"), "rows_read": string("integer"), "rows_bad": string("integer"), "inserted": string("integer"),
            "updated": string("integer"), "unchanged": string("integer"), "problems_truncated": string("boolean"), "message": string(), "columns": ["type": "array", "items": string()],
            "notes": ["type": "array", "items": string()],
            "problems": ["type": "array", "items": object([
                "row": string("integer"), "column": string(nullable: true), "field": string(nullable: true), "value": string(nullable: true),
                "reason": string(),
            ])],
            "created_at": string(format: "date-time"), "finished_at": string(format: "date-time", nullable: true),
        ]),
        "ContactSummary": object([
            "id": string(format: "uuid"), "email": string(nullable: true), "first_name": string(nullable: true), "last_name": string(nullable: true),
            "title": string(nullable: true), "account_id": string(format: "uuid", nullable: true), "account_name": string(nullable: true),
            "lifecycle_stage": string(nullable: true), "created_at": string(format: "date-time"),
        ]),
        "Contact": object([
            "id": string(format: "uuid"), "email": string(nullable: true), "first_name": string(nullable: true), "last_name": string(nullable: true),
            "title": string(nullable: true), "phone": string(nullable: true), "country": string(nullable: true),
            "account_id": string(format: "uuid", nullable: true), "account_name": string(nullable: true), "lifecycle_stage": string(nullable: true),
            "external_id": string(nullable: true), "traits": ["type": ["object", "null"]], "created_at": string(format: "date-time"),
            "updated_at": string(format: "date-time"), "identities": ["type": "array", "items": ref("Identity")],
            "merges": ["type": "array", "items": ref("IdentityMerge")], "timeline": ["type": "array", "items": ref("TimelineItem")],
        ]),
        "AccountSummary": object([
            "id": string(format: "uuid"), "name": string(), "domain": string(nullable: true), "industry": string(nullable: true),
            "country": string(nullable: true), "employees": string("integer", nullable: true), "contacts": string("integer"),
            "created_at": string(format: "date-time"),
        ]),
        "Account": object([
            "id": string(format: "uuid"), "name": string(), "domain": string(nullable: true), "industry": string(nullable: true),
            "country": string(nullable: true), "external_id": string(nullable: true), "employees": string("integer", nullable: true),
            "traits": ["type": ["object", "null"]], "created_at": string(format: "date-time"), "updated_at": string(format: "date-time"),
            "contacts": ["type": "array", "items": ref("ContactSummary")], "timeline": ["type": "array", "items": ref("TimelineItem")],
        ]),
        "Identity": object(["kind": string(values: ["user_id", "anonymous_id", "email", "external_id"]), "value": string()]),
        "TimelineItem": object([
            "kind": string(values: ["event", "touch", "deal"]), "at": string(format: "date-time"), "title": string(), "detail": string(),
            "contact_id": string(format: "uuid", nullable: true),
        ]),
        "IdentityMerge": object([
            "id": string(format: "uuid"), "kept_contact_id": string(format: "uuid"), "merged_contact_id": string(format: "uuid"),
            "merged_email": string(nullable: true), "merged_name": string(nullable: true), "moved_identities": ["type": "array", "items": ref("Identity")],
            "reason": string(values: ["identify", "alias"]), "message_id": string(nullable: true), "at": string(format: "date-time"),
            "undone_at": string(format: "date-time", nullable: true),
        ]),
        "EventStats": object(["total": string("integer"), "waiting": string("integer"), "by_type": ["type": "object", "additionalProperties": string("integer")]]),
        "SegmentMessage": [
            "type": "object", "description": "A message of the Segment spec (https://segment.com/docs/connections/spec/); at most 32 KB",
        ],
        "SegmentBatch": [
            "type": "object", "required": ["batch"],
            "description": "Messages of the Segment spec; at most 500 KB, each message at most 32 KB. The batch's own context and sentAt apply to "
                + "each message (a message's own keys win).",
            "properties": [
                "batch": ["type": "array", "items": ref("SegmentMessage")], "sentAt": string(format: "date-time"), "context": ["type": "object"],
                "writeKey": string(),
            ] as [String: Any],
        ],
        "Collected": object([
            "success": string("boolean"),
            "rejected": ["type": "array", "items": object(["index": string("integer", nullable: true), "field": string(), "message": string()])],
        ]),
        "Summary": object([
            "contacts": string("integer"), "accounts": string("integer"), "events_last30_days": string("integer"), "tools": string("integer"),
            "campaigns": string("integer"), "spend_this_quarter": ["type": "array", "items": money],
            "events_per_day": ["type": "array", "items": object(["day": string(format: "date"), "events": string("integer")])],
            "spend_by_channel": ["type": "array", "items": object(["channel": string(), "spend": money])],
        ]),
    ]

    nonisolated(unsafe) static let parameterSpecs: [String: [String: Any]] = [
        "limit": ["name": "limit", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 500]],
        "cursor": ["name": "cursor", "in": "query", "schema": ["type": "string"], "description": "next_cursor of the previous page"],
        "day_order": [
            "name": "day_order", "in": "query", "schema": ["type": "string", "enum": ["month_first", "day_first"]],
            "description": "how to read 03/04/2024 (default: the mapping's, else the usual order of the workspace's default country)",
        ],
        "q": ["name": "q", "in": "query", "schema": ["type": "string"], "description": "search text (case-insensitive, part of a word)"],
        "status": ["name": "status", "in": "query", "schema": ["type": "string"]],
        "models": ["name": "models", "in": "query", "schema": ["type": "string"], "description": "comma-separated model names or all"],
        "conversion": ["name": "conversion", "in": "query", "schema": ["type": "string"], "description": "won | opportunity_created | stage:NAME | event:NAME"],
        "unit": ["name": "unit", "in": "query", "schema": ["type": "string", "enum": ["contact", "account"]]],
        "dimension": ["name": "dimension", "in": "query", "schema": ["type": "string", "enum": ["channel", "campaign"]]],
        "lookback_days": ["name": "lookback_days", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 3650]],
        "from": ["name": "from", "in": "query", "description": "First day (inclusive)", "schema": ["type": "string", "format": "date"]],
        "to": ["name": "to", "in": "query", "description": "Last day (inclusive: the whole day)", "schema": ["type": "string", "format": "date"]],
        "order": ["name": "order", "in": "query", "schema": ["type": "integer", "minimum": 1, "maximum": 4]],
        "online_only": ["name": "online_only", "in": "query", "schema": ["type": "boolean"]],
        "bootstrap": [
            "name": "bootstrap", "in": "query", "schema": ["type": "integer", "minimum": 2, "maximum": 1000],
            "description": "bootstrap replicates for confidence intervals of markov and the Shapley models",
        ],
        "seed": ["name": "seed", "in": "query", "schema": ["type": "integer", "minimum": 0], "description": "bootstrap seed (same seed, same intervals)"],
        "type": ["name": "type", "in": "query", "schema": ["type": "string", "enum": ["track", "identify", "page", "screen", "group", "alias"]]],
        "name": ["name": "name", "in": "query", "schema": ["type": "string"], "description": "event or page name"],
        "contact_id": ["name": "contact_id", "in": "query", "schema": ["type": "string", "format": "uuid"]],
        "anonymous_id": ["name": "anonymous_id", "in": "query", "schema": ["type": "string"]],
        "user_id": ["name": "user_id", "in": "query", "schema": ["type": "string"]],
        "kind": ["name": "kind", "in": "query", "schema": ["type": "string", "enum": ["contacts", "accounts", "opportunities", "spend", "touchpoints"]], "description": "detected from the header when absent"],
        "format": ["name": "format", "in": "query", "schema": ["type": "string", "enum": ["csv", "jsonl"]]],
        "file_name": ["name": "file_name", "in": "query", "schema": ["type": "string"]],
        "dry_run": ["name": "dry_run", "in": "query", "schema": ["type": "boolean"]],
        "skip_bad_rows": ["name": "skip_bad_rows", "in": "query", "schema": ["type": "boolean"]],
        "mapping": ["name": "mapping", "in": "query", "schema": ["type": "string"], "description": "a mapping file's JSON"],
        "steps": ["name": "steps", "in": "query", "schema": ["type": "string"], "description": "comma-separated event:NAME or stage:NAME"],
    ]

    static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }

    /// The document as JSON bytes.
    static func json() -> Data {
        var paths: [String: [String: Any]] = [:]
        for operation in operations {
            var spec: [String: Any] = ["summary": operation.summary, "tags": [operation.tag], "operationId": operationID(operation)]
            var parameters: [[String: Any]] = operation.parameters.compactMap { parameterSpecs[$0] ?? stackParameters[$0] }
            for name in pathParameters(operation.path) {
                parameters.append(["name": name, "in": "path", "required": true, "schema": ["type": "string"]])
            }
            if !parameters.isEmpty { spec["parameters"] = parameters }
            if let body = operation.body {
                spec["requestBody"] = ["required": true, "content": ["application/json": ["schema": ref(body)]]]
            }
            var responses: [String: Any] = [:]
            if let response = operation.response {
                let schema: [String: Any] =
                    operation.list
                    ? ["type": "object", "properties": ["items": ["type": "array", "items": ref(response)], "next_cursor": ["type": ["string", "null"]]]]
                    : ref(response)
                responses[String(operation.status)] = ["description": "OK", "content": ["application/json": ["schema": schema]]]
            } else {
                responses[String(operation.status)] = ["description": operation.status == 204 ? "No content" : "OK"]
            }
            responses["default"] = ["description": "Error", "content": ["application/problem+json": ["schema": ref("Problem")]]]
            spec["responses"] = responses
            if !operation.auth { spec["security"] = [] as [Any] }
            paths[operation.path, default: [:]][operation.method] = spec
        }
        let document: [String: Any] = [
            "openapi": "3.1.0",
            "info": ["title": "Pitcrew API", "version": "1.1.0", "description": "Marketing operations platform. Errors are RFC 9457 problem+json."],
            "paths": paths,
            "components": [
                "schemas": schemas.merging(stackSchemas) { current, _ in current }.merging(stackWorkflowSchemas) { current, _ in current },
                "securitySchemes": [
                    "bearer": ["type": "http", "scheme": "bearer", "description": "API token (pitcrew token create)"],
                    "session": ["type": "apiKey", "in": "cookie", "name": "pitcrew_session"],
                ],
            ],
            "security": [["bearer": [] as [Any]], ["session": [] as [Any]]],
        ]
        return (try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
    }

    static func pathParameters(_ path: String) -> [String] {
        path.split(separator: "/").filter { $0.hasPrefix("{") && $0.hasSuffix("}") }.map { String($0.dropFirst().dropLast()) }
    }

    static func operationID(_ operation: Operation) -> String {
        let words = operation.path.split(whereSeparator: { "/{}._-".contains($0) }).filter { $0 != "api" && $0 != "v1" }
        return operation.method + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
