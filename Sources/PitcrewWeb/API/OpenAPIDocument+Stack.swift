import Foundation
import PitcrewStack

extension OpenAPIDocument {
    private static func op(
        _ method: String, _ path: String, _ summary: String, body: String? = nil, response: String? = "StackObject", list: Bool = false,
        status: Int = 200, parameters: [String] = []
    ) -> Operation {
        Operation(
            method: method, path: "/api/v1/stack/" + path, summary: summary, tag: "stack", body: body, response: status == 204 ? nil : response,
            list: list, status: status, parameters: parameters)
    }

    /// `/api/v1/stack/*` (issue #5).
    static let stackOperations: [Operation] = [
        op("get", "tools", "Tools of the stack, oldest first (50 a page unless limit says otherwise)", response: "Tool", list: true, parameters: ["limit", "cursor", "status", "category"]),
        op("post", "tools", "Add a tool; a name already taken (in any case) is a 409 (marketer)", body: "ToolInput", response: "Tool", status: 201),
        op("get", "tools/{id}", "One tool", response: "Tool"),
        op("patch", "tools/{id}", "Change a tool; absent fields stay, null clears (marketer)", body: "ToolInput", response: "Tool"),
        op("delete", "tools/{id}", "Delete a tool with its contracts, checks and integrations (marketer)", status: 204),
        op("get", "tools/{id}/impact", "What breaks if the tool is retired: integrations, downstream tools and objects, campaigns", parameters: ["today"]),
        op("get", "tools/{id}/contracts", "The tool's contract history", response: "Contract", list: true),
        op("post", "tools/{id}/contracts", "Add a contract (marketer)", body: "ContractInput", response: "Contract", status: 201),
        op("patch", "contracts/{id}", "Change a contract (marketer)", body: "ContractInput", response: "Contract"),
        op("delete", "contracts/{id}", "Delete a contract (marketer)", status: 204),
        op("get", "integrations", "Integrations (the data-flow map)", response: "Integration", list: true),
        op("post", "integrations", "Add an integration between two tools (marketer)", body: "IntegrationInput", response: "Integration", status: 201),
        op("patch", "integrations/{id}", "Change an integration (marketer)", body: "IntegrationInput", response: "Integration"),
        op("delete", "integrations/{id}", "Delete an integration (marketer)", status: 204),
        op("get", "overview", "Counts, annual cost by category and team, renewals, overlaps, unused licences, uptime", parameters: ["today"]),
        op("get", "utilization", "Seats used vs purchased, active users in 30/90 days, cost per active user, features", parameters: ["today"]),
        op("get", "consolidation", "Overlaps, consolidation and retirement candidates", parameters: ["today", "inactive_days"]),
        op("get", "renewals", "Contracts whose decision date falls in the next N days", parameters: ["today", "days"]),
        op("post", "usage", "Record per-user activity rows `{rows: [{tool, user, last_active, feature}]}` (marketer)", body: "StackObject",
           parameters: ["dry_run", "skip_bad_rows"]),
        op("post", "usage/import", "Import per-user activity from a CSV body (tool, user, last_active[, feature]) (marketer)",
           parameters: ["dry_run", "skip_bad_rows"]),
        op("get", "tools/{id}/checks", "The tool's uptime checks", response: "UptimeCheck", list: true),
        op("post", "tools/{id}/checks", "Add an HTTP uptime check (marketer)", body: "UptimeCheckInput", response: "UptimeCheck", status: 201),
        op("patch", "checks/{id}", "Change or pause an uptime check (`enabled`) (marketer)", body: "UptimeCheckInput", response: "UptimeCheck"),
        op("delete", "checks/{id}", "Delete an uptime check (marketer)", status: 204),
        op("get", "checks/{id}/results", "The last results of a check", response: "UptimeResult", list: true),
        op("get", "incidents", "Incidents opened and closed by uptime checks", response: "Incident", list: true, parameters: ["tool_id"]),
        op("get", "allowed-hosts", "Hosts outbound requests may reach even at private addresses"),
        op("put", "allowed-hosts", "Allow a host for outbound requests (admin)", body: "StackObject"),
        op("delete", "allowed-hosts/{host}", "Stop allowing a host (admin)", status: 204),
        op("get", "alerts", "In-app alerts (renewal decisions 120/90/30 days ahead)", response: "Alert", list: true, parameters: ["unread"]),
        op("post", "alerts/{id}/read", "Mark an alert read for the workspace (marketer; audited)", status: 204),
        op("get", "alert-settings", "Where alerts go besides the app"),
        op("put", "alert-settings", "Set the alert webhook (admin)", body: "StackObject"),
        op("get", "tools/{id}/reviews", "Privacy, security and compliance review items of a tool", response: "ReviewItem", list: true),
        op("post", "tools/{id}/reviews", "Start a review of a kind with its standard (or given) questions; 200 instead of 201 when the checklist already held them all (marketer)", body: "ReviewStart", response: "ReviewItem", list: true, status: 201),
        op("patch", "reviews/{id}", "Answer a review item (marketer)", body: "ReviewItemInput", response: "ReviewItem"),
        op("get", "approval-chain", "The purchase approval chain (approvers who left the workspace are not listed)", response: "ApprovalStep", list: true),
        op("put", "approval-chain", "Set the purchase approval chain, as `{steps: […]}` or as GET shows it, `{items: […]}` (admin)", body: "ApprovalChainInput",
           response: "ApprovalStep", list: true),
        op("get", "requests", "Purchase requests with their decisions", response: "PurchaseRequest", list: true),
        op("post", "requests", "Request a purchase (marketer)", body: "PurchaseRequestInput", response: "PurchaseRequest", status: 201),
        op("get", "requests/{id}", "One purchase request", response: "PurchaseRequest"),
        op("post", "requests/{id}/decisions", "Approve or reject the current step (its approver, or an admin)", body: "PurchaseDecisionInput",
           response: "PurchaseRequest"),
        op("get", "export", "The stack as YAML (tools, contracts, integrations) or CSV (tools)", response: nil, parameters: ["format"]),
        op("post", "apply", "Apply a YAML (or CSV tools) body: the plan of changes; dry_run writes nothing; idempotent (marketer)",
           parameters: ["dry_run", "prune"]),
        Operation(
            method: "put", path: "/api/v1/campaigns/{id}/tools", summary: "Set the tools a campaign uses (marketer)", tag: "campaigns",
            body: "StackObject", status: 204),
    ]

    nonisolated(unsafe) static let stackSchemas: [String: Any] = [
        "StackObject": ["type": "object"],
        "Tool": object([
            "id": string(format: "uuid"), "name": string(), "vendor": string(nullable: true), "website": string(nullable: true),
            "category": string(), "category_label": string(), "subcategory": string(nullable: true), "subcategory_label": string(nullable: true),
            "capabilities": ["type": "array", "items": string()], "status": string(values: ["evaluating", "active", "retiring", "retired"]),
            "business_owner": string(nullable: true), "technical_owner": string(nullable: true), "teams": ["type": "array", "items": string()],
            "notes": string(nullable: true), "playbook_links": ["type": "array", "items": string()], "created_at": string(format: "date-time"),
            "updated_at": string(format: "date-time"),
        ]),
        "ToolInput": object([
            "name": string(), "vendor": string(nullable: true), "website": string(nullable: true), "category": string(),
            "subcategory": string(nullable: true), "capabilities": ["type": "array", "items": string()],
            "status": string(values: ["evaluating", "active", "retiring", "retired"]), "business_owner": string(nullable: true),
            "technical_owner": string(nullable: true), "teams": ["type": "array", "items": string()], "notes": string(nullable: true),
            "playbook_links": ["type": "array", "items": string()],
        ]),
        "Contract": object([
            "id": string(format: "uuid"), "tool_id": string(format: "uuid"), "amount_minor": string("integer"), "currency": string(),
            "billing_period": string(values: ["monthly", "quarterly", "annual", "multi_year"]), "seats": string("integer", nullable: true),
            "start_date": string(format: "date"), "end_date": string(format: "date"), "auto_renew": string("boolean"),
            "notice_days": string("integer"), "decision_date": string(format: "date"), "annual_cost_minor": string("integer"),
            "sla_uptime_percent": string(nullable: true), "notes": string(nullable: true),
        ]),
        "ContractInput": object([
            "amount_minor": string("integer"), "currency": string(), "billing_period": string(values: ["monthly", "quarterly", "annual", "multi_year"]),
            "seats": string("integer", nullable: true), "start_date": string(format: "date"), "end_date": string(format: "date"),
            "auto_renew": string("boolean"), "notice_days": string("integer"), "sla_uptime_percent": string(nullable: true),
            "notes": string(nullable: true),
        ]),
        "Integration": object([
            "id": string(format: "uuid"), "source_tool_id": string(format: "uuid"), "target_tool_id": string(format: "uuid"),
            "direction": string(values: ["one_way", "two_way"]), "objects": ["type": "array", "items": string()],
            "cadence": string(values: ["real_time", "hourly", "daily", "weekly", "manual"]), "owner": string(nullable: true),
            "status": string(values: ["active", "planned", "broken", "disabled"]), "notes": string(nullable: true),
        ]),
        "IntegrationInput": object([
            "source_tool_id": string(format: "uuid"), "target_tool_id": string(format: "uuid"), "direction": string(values: ["one_way", "two_way"]),
            "objects": ["type": "array", "items": string()], "cadence": string(values: ["real_time", "hourly", "daily", "weekly", "manual"]),
            "owner": string(nullable: true), "status": string(values: ["active", "planned", "broken", "disabled"]), "notes": string(nullable: true),
        ]),
    ]

    /// Bodies and answers of reviews, uptime checks, alerts and purchase requests.
    nonisolated(unsafe) static let stackWorkflowSchemas: [String: Any] = [
        "ReviewStart": object(["kind": string(values: ReviewService.kinds), "questions": ["type": "array", "items": string()]], required: ["kind"]),
        "ReviewItem": object([
            "id": string(format: "uuid"), "tool_id": string(format: "uuid"), "kind": string(values: ReviewService.kinds), "question": string(),
            "answer": string(nullable: true), "evidence_url": string(nullable: true), "reviewer": string(nullable: true),
            "status": string(values: ReviewService.statuses), "next_review_date": string(format: "date", nullable: true),
            "updated_at": string(format: "date-time"),
        ]),
        "ReviewItemInput": object([
            "answer": string(nullable: true), "evidence_url": string(nullable: true), "reviewer": string(nullable: true),
            "status": string(values: ReviewService.statuses), "next_review_date": string(format: "date", nullable: true),
        ]),
        "UptimeCheckInput": object([
            "url": string(format: "uri"), "method": string(values: ["GET", "HEAD", "POST"]), "expected_status": string("integer"),
            "interval_seconds": string("integer"), "timeout_ms": string("integer"), "enabled": string("boolean"),
        ]),
        "UptimeCheck": object([
            "id": string(format: "uuid"), "workspace_id": string(), "tool_id": string(format: "uuid"), "url": string(format: "uri"), "method": string(),
            "expected_status": string("integer"), "interval_seconds": string("integer"), "timeout_ms": string("integer"), "enabled": string("boolean"),
            "next_run_at": string(format: "date-time"), "created_at": string(format: "date-time"),
        ]),
        "UptimeResult": object([
            "checked_at": string(format: "date-time"), "up": string("boolean"), "status_code": string("integer", nullable: true),
            "latency_ms": string("integer"), "error": string(nullable: true),
        ]),
        "Incident": object([
            "id": string(format: "uuid"), "tool_id": string(format: "uuid"), "check_id": string(format: "uuid"), "opened_at": string(format: "date-time"),
            "closed_at": string(format: "date-time", nullable: true), "cause": string(),
        ]),
        "Alert": object([
            "id": string(format: "uuid"), "kind": string(), "entity_id": string(nullable: true), "title": string(),
            "due_date": string(format: "date", nullable: true), "created_at": string(format: "date-time"),
            "read_at": string(format: "date-time", nullable: true),
        ]),
        "ApprovalStep": object(["name": string(), "approver_user_ids": ["type": "array", "items": string(format: "uuid")]], required: ["name"]),
        "ApprovalChainInput": object([
            "steps": ["type": "array", "items": ref("ApprovalStep")], "items": ["type": "array", "items": ref("ApprovalStep")],
        ]),
        "PurchaseRequestInput": object(
            ["tool_name": string(), "tool_id": string(format: "uuid", nullable: true), "reason": string(), "cost_minor": string("integer"),
             "currency": string(format: "iso4217")], required: ["tool_name", "reason", "cost_minor"]),
        "PurchaseDecisionInput": object(["decision": string(values: ["approve", "reject"]), "comment": string(nullable: true)], required: ["decision"]),
        "PurchaseRequest": object([
            "id": string(format: "uuid"), "tool_name": string(), "tool_id": string(format: "uuid", nullable: true), "reason": string(),
            "cost": object(["minor_units": string("integer"), "currency": string(format: "iso4217")]), "requester_user_id": string(format: "uuid"), "chain": ["type": "array", "items": ref("ApprovalStep")],
            "current_step": string("integer"), "status": string(values: ["pending", "approved", "rejected"]),
            "decisions": ["type": "array", "items": object([
                "step": string("integer"), "step_name": string(), "decision": string(values: ["approved", "rejected"]), "user_id": string(format: "uuid"),
                "comment": string(nullable: true), "at": string(format: "date-time"),
            ])],
            "created_at": string(format: "date-time"),
        ]),
    ]

    nonisolated(unsafe) static let stackParameters: [String: [String: Any]] = [
        "category": ["name": "category", "in": "query", "schema": ["type": "string"]],
        "today": ["name": "today", "in": "query", "schema": ["type": "string", "format": "date"], "description": "report as of this day"],
        "inactive_days": ["name": "inactive_days", "in": "query", "schema": ["type": "integer"]],
        "days": ["name": "days", "in": "query", "schema": ["type": "integer"]],
        "tool_id": ["name": "tool_id", "in": "query", "schema": ["type": "string"]],
        "unread": ["name": "unread", "in": "query", "schema": ["type": "boolean"]],
        "prune": ["name": "prune", "in": "query", "schema": ["type": "boolean"]],
    ]
}
