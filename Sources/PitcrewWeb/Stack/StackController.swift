import Foundation
import Hummingbird
import NIOCore
import PitcrewCore
import PitcrewStack
import PitcrewStore

/// `/api/v1/stack/*`: tools, contracts, integrations, usage, reports, uptime, alerts, reviews, purchase requests, stack as code.
struct StackController {
    let access: AccessService
    let stack: StackServices

    func addRoutes(to api: RouterGroup<AppRequestContext>) {
        let group = api.group("stack")
        group.get("tools", use: listTools)
        group.post("tools", use: createTool)
        group.get("tools/{id}", use: showTool)
        group.patch("tools/{id}", use: updateTool)
        group.delete("tools/{id}", use: deleteTool)
        group.get("tools/{id}/impact", use: impact)
        group.get("tools/{id}/contracts", use: contracts)
        group.post("tools/{id}/contracts", use: createContract)
        group.patch("contracts/{id}", use: updateContract)
        group.delete("contracts/{id}", use: deleteContract)
        group.get("integrations", use: integrations)
        group.post("integrations", use: createIntegration)
        group.patch("integrations/{id}", use: updateIntegration)
        group.delete("integrations/{id}", use: deleteIntegration)
        group.get("overview", use: overview)
        group.get("utilization", use: utilization)
        group.get("consolidation", use: consolidation)
        group.get("renewals", use: renewals)
        group.post("usage", use: recordUsage)
        group.post("usage/import", use: importUsage)
        group.get("tools/{id}/checks", use: checks)
        group.post("tools/{id}/checks", use: createCheck)
        group.patch("checks/{id}", use: updateCheck)
        group.delete("checks/{id}", use: deleteCheck)
        group.get("checks/{id}/results", use: checkResults)
        group.get("incidents", use: incidents)
        group.get("allowed-hosts", use: allowedHosts)
        group.put("allowed-hosts", use: allowHost)
        group.delete("allowed-hosts/{host}", use: disallowHost)
        group.get("alerts", use: alerts)
        group.post("alerts/{id}/read", use: markAlertRead)
        group.get("alert-settings", use: alertSettings)
        group.put("alert-settings", use: updateAlertSettings)
        group.get("tools/{id}/reviews", use: reviews)
        group.post("tools/{id}/reviews", use: startReview)
        group.patch("reviews/{id}", use: updateReview)
        group.get("approval-chain", use: approvalChain)
        group.put("approval-chain", use: setApprovalChain)
        group.get("requests", use: requests)
        group.post("requests", use: createRequest)
        group.get("requests/{id}", use: showRequest)
        group.post("requests/{id}/decisions", use: decide)
        group.get("export", use: export)
        group.post("apply", use: apply)
        api.put("campaigns/{id}/tools", use: setCampaignTools)
    }

    // MARK: Tools

    static let toolFields: Set<String> = [
        "name", "vendor", "website", "category", "subcategory", "capabilities", "status", "business_owner", "technical_owner", "teams", "notes",
        "playbook_links",
    ]

    @Sendable func listTools(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<ToolDTO>> {
        var status: ToolStatus?
        if let text = request.uri.queryParameters["status"] {
            guard let parsed = ToolStatus(rawValue: String(text)) else {
                throw PitcrewError.invalid("status", "must be one of \(ToolStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        let category = request.uri.queryParameters["category"].map(String.init)
        let page = try request.pageRequest()
        // Oldest first, paged by id like every list of the API (a tool deleted or renamed between pages moves nothing).
        let tools = try await stack.tools.tools(try await context.scope(access), status: status, category: category)
            .filter { tool in page.after.map { tool.id > $0 } ?? true }.sorted { $0.id < $1.id }
        let items = Array(tools.prefix(page.limit))
        return JSONResponse(
            ListResponse(items: items.map(ToolDTO.init), nextCursor: tools.count > items.count ? items.last.map { PageRequest.encodeCursor($0.id) } : nil))
    }

    @Sendable func showTool(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ToolDTO> {
        JSONResponse(ToolDTO(try await stack.tools.tool(try await context.scope(access), id: try context.parameters.require("id"))))
    }

    @Sendable func createTool(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ToolDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readTool(request, context: context)
        return JSONResponse(ToolDTO(try await stack.tools.createTool(scope, input)), status: .created)
    }

    @Sendable func updateTool(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ToolDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readTool(request, context: context)
        return JSONResponse(ToolDTO(try await stack.tools.updateTool(scope, id: try context.parameters.require("id"), input)))
    }

    @Sendable func deleteTool(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.tools.deleteTool(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    static func readTool(_ request: Request, context: AppRequestContext) async throws -> ToolInput {
        var body = try await JSONBody.read(request, context: context, allowed: toolFields)
        var input = ToolInput()
        input.name = body.string("name")
        input.vendor = body.string("vendor")
        input.website = body.string("website")
        input.category = body.string("category")
        input.subcategory = body.string("subcategory")
        input.capabilities = body.strings("capabilities")
        input.status = body.string("status")
        input.businessOwner = body.string("business_owner")
        input.technicalOwner = body.string("technical_owner")
        input.teams = body.strings("teams")
        input.notes = body.string("notes")
        input.playbookLinks = body.strings("playbook_links")
        try body.finish()
        return input
    }

    @Sendable func impact(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ImpactReport> {
        JSONResponse(try await stack.reports.impact(try await context.scope(access), toolID: try context.parameters.require("id")))
    }

    // MARK: Contracts

    static let contractFields: Set<String> = [
        "amount_minor", "currency", "billing_period", "seats", "start_date", "end_date", "auto_renew", "notice_days", "sla_uptime_percent", "notes",
    ]

    @Sendable func contracts(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<ContractDTO>> {
        let list = try await stack.tools.contracts(try await context.scope(access), toolID: try context.parameters.require("id"))
        return JSONResponse(ListResponse(items: list.map(ContractDTO.init), nextCursor: nil))
    }

    @Sendable func createContract(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ContractDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readContract(request, context: context)
        return JSONResponse(
            ContractDTO(try await stack.tools.createContract(scope, toolID: try context.parameters.require("id"), input)), status: .created)
    }

    @Sendable func updateContract(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ContractDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readContract(request, context: context)
        return JSONResponse(ContractDTO(try await stack.tools.updateContract(scope, id: try context.parameters.require("id"), input)))
    }

    @Sendable func deleteContract(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.tools.deleteContract(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    static func readContract(_ request: Request, context: AppRequestContext) async throws -> ContractInput {
        var body = try await JSONBody.read(request, context: context, allowed: contractFields)
        var input = ContractInput()
        input.amountMinor = body.integer("amount_minor")
        input.currency = body.string("currency")
        input.billingPeriod = body.string("billing_period")
        input.seats = body.integer("seats")
        input.startDate = body.string("start_date")
        input.endDate = body.string("end_date")
        input.autoRenew = body.bool("auto_renew")
        input.noticeDays = body.integer("notice_days")
        input.slaUptimePercent = body.string("sla_uptime_percent")
        input.notes = body.string("notes")
        try body.finish()
        return input
    }

    // MARK: Integrations

    static let integrationFields: Set<String> = ["source_tool_id", "target_tool_id", "direction", "objects", "cadence", "owner", "status", "notes"]

    @Sendable func integrations(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<IntegrationDTO>> {
        let list = try await stack.tools.integrations(try await context.scope(access))
        return JSONResponse(ListResponse(items: list.map(IntegrationDTO.init), nextCursor: nil))
    }

    @Sendable func createIntegration(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<IntegrationDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readIntegration(request, context: context)
        return JSONResponse(IntegrationDTO(try await stack.tools.createIntegration(scope, input)), status: .created)
    }

    @Sendable func updateIntegration(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<IntegrationDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readIntegration(request, context: context)
        return JSONResponse(IntegrationDTO(try await stack.tools.updateIntegration(scope, id: try context.parameters.require("id"), input)))
    }

    @Sendable func deleteIntegration(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.tools.deleteIntegration(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    static func readIntegration(_ request: Request, context: AppRequestContext) async throws -> IntegrationInput {
        var body = try await JSONBody.read(request, context: context, allowed: integrationFields)
        var input = IntegrationInput()
        input.sourceToolID = body.string("source_tool_id")
        input.targetToolID = body.string("target_tool_id")
        input.direction = body.string("direction")
        input.objects = body.strings("objects")
        input.cadence = body.string("cadence")
        input.owner = body.string("owner")
        input.status = body.string("status")
        input.notes = body.string("notes")
        try body.finish()
        return input
    }

    // MARK: Reports

    func today(_ request: Request) throws -> CalendarDate {
        guard let text = request.uri.queryParameters["today"] else { return CalendarDate(millis: Timestamp.now()) }
        guard let day = CalendarDate(String(text)) else { throw PitcrewError.invalid("today", "must be a date as YYYY-MM-DD") }
        return day
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<StackOverview> {
        JSONResponse(try await stack.reports.overview(try await context.scope(access), today: try today(request)))
    }

    @Sendable func utilization(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<ToolUtilization>> {
        let snapshot = try await stack.reports.snapshot(try await context.scope(access), today: try today(request))
        return JSONResponse(ItemsDTO(items: snapshot.tools.map { snapshot.utilization($0.id) }))
    }

    @Sendable func consolidation(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ConsolidationDTO> {
        var inactive = 90
        if let text = request.uri.queryParameters["inactive_days"] {
            guard let days = Int(text), (1...3_650).contains(days) else { throw PitcrewError.invalid("inactive_days", "must be 1–3650") }
            inactive = days
        }
        let snapshot = try await stack.reports.snapshot(try await context.scope(access), today: try today(request))
        return JSONResponse(
            ConsolidationDTO(
                overlaps: snapshot.overlaps(), consolidationCandidates: snapshot.consolidation(),
                retirementCandidates: snapshot.retirementCandidates(inactiveDays: inactive)))
    }

    @Sendable func renewals(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<Renewal>> {
        var days = 120
        if let text = request.uri.queryParameters["days"] {
            guard let value = Int(text), (1...1_095).contains(value) else { throw PitcrewError.invalid("days", "must be 1–1095") }
            days = value
        }
        let snapshot = try await stack.reports.snapshot(try await context.scope(access), today: try today(request))
        return JSONResponse(ItemsDTO(items: snapshot.renewals(withinDays: days)))
    }

    // MARK: Usage

    func flags(_ request: Request) throws -> (dryRun: Bool, skipBadRows: Bool) {
        (try request.flag("dry_run"), try request.flag("skip_bad_rows"))
    }

    @Sendable func recordUsage(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<UsageImportReport> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["rows"])
        var records: [UsageRecord] = []
        for var row in body.objects("rows", allowed: ["tool", "user", "last_active", "feature"]) ?? [] {
            let feature = row.string("feature")
            records.append(
                UsageRecord(
                    tool: row.requiredString("tool"), user: row.requiredString("user"), lastActive: row.requiredString("last_active"),
                    feature: feature.apply(to: nil)))
            body.merge(row)
        }
        if !body.contains("rows") { body.validatorAdd("rows", "is required") }
        try body.finish()
        let (dryRun, skip) = try flags(request)
        let report = try await stack.usage.record(scope, records, dryRun: dryRun, skipBadRows: skip)
        return JSONResponse(report, status: report.committed || dryRun || skip ? .ok : .unprocessableContent)
    }

    @Sendable func importUsage(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<UsageImportReport> {
        let scope = try await context.scope(access)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let (dryRun, skip) = try flags(request)
        let report = try await stack.usage.importCSV(scope, bytes: Array(buffer.readableBytesView), dryRun: dryRun, skipBadRows: skip)
        return JSONResponse(report, status: report.committed || dryRun || skip ? .ok : .unprocessableContent)
    }

    // MARK: Uptime

    @Sendable func checks(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<UptimeCheck>> {
        let scope = try await context.scope(access)
        let tool = try await stack.tools.tool(scope, id: try context.parameters.require("id"))
        return JSONResponse(ItemsDTO(items: try await stack.uptime.checks(scope, toolID: tool.id)))
    }

    @Sendable func createCheck(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<UptimeCheck> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(
            request, context: context, allowed: ["url", "method", "expected_status", "interval_seconds", "timeout_ms", "enabled"])
        var input = UptimeCheckInput(url: body.requiredString("url"))
        if case .set(let method) = body.string("method") { input.method = method }
        if case .set(let value) = body.integer("expected_status") { input.expectedStatus = value }
        if case .set(let value) = body.integer("interval_seconds") { input.intervalSeconds = value }
        if case .set(let value) = body.integer("timeout_ms") { input.timeoutMs = value }
        if case .set(let value) = body.bool("enabled") { input.enabled = value }
        try body.finish()
        return JSONResponse(try await stack.uptime.createCheck(scope, toolID: try context.parameters.require("id"), input), status: .created)
    }

    @Sendable func updateCheck(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<UptimeCheck> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(
            request, context: context, allowed: ["url", "method", "expected_status", "interval_seconds", "timeout_ms", "enabled"])
        let (url, method, status, interval, timeout, enabled) = (
            body.string("url"), body.string("method"), body.integer("expected_status"), body.integer("interval_seconds"), body.integer("timeout_ms"),
            body.bool("enabled")
        )
        for (field, isNull) in [
            ("url", url == .clear), ("method", method == .clear), ("expected_status", status == .clear), ("interval_seconds", interval == .clear),
            ("timeout_ms", timeout == .clear), ("enabled", enabled == .clear),
        ] where isNull {
            body.validatorAdd(field, "must not be null")
        }
        try body.finish()
        let check = try await stack.uptime.updateCheck(scope, id: try context.parameters.require("id")) { input in
            if case .set(let value) = url { input.url = value }
            if case .set(let value) = method { input.method = value }
            if case .set(let value) = status { input.expectedStatus = value }
            if case .set(let value) = interval { input.intervalSeconds = value }
            if case .set(let value) = timeout { input.timeoutMs = value }
            if case .set(let value) = enabled { input.enabled = value }
        }
        return JSONResponse(check)
    }

    @Sendable func deleteCheck(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.uptime.deleteCheck(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    @Sendable func checkResults(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<UptimeResult>> {
        JSONResponse(ItemsDTO(items: try await stack.uptime.results(try await context.scope(access), checkID: try context.parameters.require("id"))))
    }

    @Sendable func incidents(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<Incident>> {
        let tool = request.uri.queryParameters["tool_id"].map(String.init)
        return JSONResponse(ItemsDTO(items: try await stack.uptime.incidents(try await context.scope(access), toolID: tool)))
    }

    @Sendable func allowedHosts(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<String>> {
        JSONResponse(ItemsDTO(items: try await stack.uptime.allowedHosts(try await context.scope(access))))
    }

    @Sendable func allowHost(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<String>> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["host"])
        let host = body.requiredString("host")
        try body.finish()
        try await stack.uptime.allowHost(scope, host: host)
        return JSONResponse(ItemsDTO(items: try await stack.uptime.allowedHosts(scope)))
    }

    @Sendable func disallowHost(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.uptime.disallowHost(try await context.scope(access), host: try context.parameters.require("host"))
        return Response(status: .noContent)
    }

    // MARK: Alerts

    @Sendable func alerts(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<Alert>> {
        let unread = request.uri.queryParameters["unread"] == "true"
        return JSONResponse(ItemsDTO(items: try await stack.alerts.alerts(try await context.scope(access), unreadOnly: unread)))
    }

    @Sendable func markAlertRead(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await stack.alerts.markRead(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    @Sendable func alertSettings(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<AlertSettings> {
        JSONResponse(try await stack.alerts.settings(try await context.scope(access)))
    }

    @Sendable func updateAlertSettings(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<AlertSettings> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["webhook_url", "emails"])
        let current = try await stack.alerts.settings(scope)
        let url = body.string("webhook_url").apply(to: current.webhookURL)
        let emails = body.strings("emails").apply(to: current.emails) ?? []
        try body.finish()
        return JSONResponse(try await stack.alerts.updateSettings(scope, AlertSettings(webhookURL: url, emails: emails)))
    }

    // MARK: Reviews

    @Sendable func reviews(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<ReviewItem>> {
        let scope = try await context.scope(access)
        let tool = try await stack.tools.tool(scope, id: try context.parameters.require("id"))
        return JSONResponse(ItemsDTO(items: try await stack.reviews.items(scope, toolID: tool.id)))
    }

    @Sendable func startReview(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<ReviewItem>> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["kind", "questions"])
        let kind = body.requiredString("kind")
        let questions = body.strings("questions").apply(to: nil)
        try body.finish()
        let started = try await stack.reviews.start(scope, toolID: try context.parameters.require("id"), kind: kind, questions: questions)
        // 201 when it added items; 200 when the checklist already held every question (nothing was created).
        return JSONResponse(ItemsDTO(items: started.items), status: started.added > 0 ? .created : .ok)
    }

    @Sendable func updateReview(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ReviewItem> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["answer", "evidence_url", "reviewer", "status", "next_review_date"])
        var patch = ReviewItemPatch()
        patch.answer = body.string("answer")
        patch.evidenceURL = body.string("evidence_url")
        patch.reviewer = body.string("reviewer")
        patch.status = body.string("status")
        patch.nextReviewDate = body.string("next_review_date")
        try body.finish()
        return JSONResponse(try await stack.reviews.update(scope, id: try context.parameters.require("id"), patch))
    }

    // MARK: Purchase requests

    @Sendable func approvalChain(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<ApprovalStep>> {
        JSONResponse(ItemsDTO(items: try await stack.purchases.chain(try await context.scope(access))))
    }

    @Sendable func setApprovalChain(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<ApprovalStep>> {
        let scope = try await context.scope(access)
        // `items` is what GET answers: the chain as shown can be sent back as it is.
        var body = try await JSONBody.read(request, context: context, allowed: ["steps", "items"])
        let key = body.contains("steps") ? "steps" : "items"
        var steps: [ApprovalStep] = []
        for var step in body.objects(key, allowed: ["name", "approver_user_ids"]) ?? [] {
            steps.append(ApprovalStep(name: step.requiredString("name"), approverUserIDs: step.strings("approver_user_ids").apply(to: nil) ?? []))
            body.merge(step)
        }
        if !body.contains("steps") && !body.contains("items") { body.validatorAdd("steps", "is required") }
        if body.contains("steps") && body.contains("items") { body.validatorAdd("items", "send the steps once, as steps or as items") }
        try body.finish()
        return JSONResponse(ItemsDTO(items: try await stack.purchases.setChain(scope, steps)))
    }

    @Sendable func requests(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ItemsDTO<PurchaseRequest>> {
        JSONResponse(ItemsDTO(items: try await stack.purchases.requests(try await context.scope(access))))
    }

    @Sendable func showRequest(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<PurchaseRequest> {
        JSONResponse(try await stack.purchases.request(try await context.scope(access), id: try context.parameters.require("id")))
    }

    @Sendable func createRequest(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<PurchaseRequest> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["tool_name", "tool_id", "reason", "cost_minor", "currency"])
        let name = body.requiredString("tool_name")
        let toolID = body.string("tool_id").apply(to: nil)
        let reason = body.requiredString("reason")
        let cost = body.integer("cost_minor")
        let currency = body.string("currency").apply(to: nil) ?? "USD"
        if cost == .unchanged { body.validatorAdd("cost_minor", "is required") }
        try body.finish()
        let created = try await stack.purchases.create(
            scope, toolName: name, toolID: toolID, reason: reason, costMinor: cost.apply(to: 0) ?? 0, currency: currency)
        return JSONResponse(created, status: .created)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<PurchaseRequest> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["decision", "comment"])
        let decision = body.requiredString("decision")
        let comment = body.string("comment").apply(to: nil)
        if !["approve", "reject"].contains(decision) && body.contains("decision") { body.validatorAdd("decision", "must be approve or reject") }
        try body.finish()
        return JSONResponse(
            try await stack.purchases.decide(scope, id: try context.parameters.require("id"), approve: decision == "approve", comment: comment))
    }

    // MARK: Stack as code

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let format = request.uri.queryParameters["format"].map(String.init) ?? "yaml"
        var headers = HTTPFields()
        let text: String
        switch format {
        case "yaml":
            text = try await stack.code.exportYAML(scope)
            headers[.contentType] = "application/yaml; charset=utf-8"
        case "csv":
            text = try await stack.csv.exportTools(scope)
            headers[.contentType] = "text/csv; charset=utf-8"
        default: throw PitcrewError.invalid("format", "must be yaml or csv")
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func apply(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<StackPlan> {
        let scope = try await context.scope(access)
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        guard let text = String(validating: buffer.readableBytesView, as: UTF8.self) else { throw PitcrewError.invalid("body", "must be UTF-8") }
        let dryRun = try request.flag("dry_run")
        let prune = try request.flag("prune")
        let isCSV = request.headers[.contentType]?.hasPrefix("text/csv") == true
        let plan = isCSV
            ? try await stack.csv.applyTools(scope, csv: text, dryRun: dryRun)
            : try await stack.code.apply(scope, yaml: text, dryRun: dryRun, prune: prune)
        return JSONResponse(plan)
    }

    @Sendable func setCampaignTools(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["tool_ids"])
        let ids = body.strings("tool_ids")
        if ids == .unchanged { body.validatorAdd("tool_ids", "is required") }
        try body.finish()
        try await stack.tools.setCampaignTools(scope, campaignID: try context.parameters.require("id"), toolIDs: ids.apply(to: []) ?? [])
        return Response(status: .noContent)
    }
}
