import Foundation
import Hummingbird
import PitcrewCore
import PitcrewIngest
import PitcrewStack
import PitcrewStore

/// The MarTech pages: overview dashboard, tools and a page per tool, the integration map, the renewal calendar,
/// reviews and purchase requests. Server-rendered, no JavaScript; charts and the map are SVG drawn here.
struct StackPages {
    let web: WebController
    let access: AccessService
    let stack: StackServices

    static let page = "martech"

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("martech", use: overview)
        router.get("martech/tools", use: tools)
        router.post("martech/tools", use: createTool)
        router.get("martech/tools/{id}", use: tool)
        router.post("martech/tools/{id}/contracts", use: addContract)
        router.post("martech/tools/{id}/integrations", use: addIntegration)
        router.post("martech/tools/{id}/checks", use: addCheck)
        router.post("martech/tools/{id}/reviews", use: startReview)
        router.get("martech/map", use: map)
        router.get("martech/renewals", use: renewals)
        router.get("martech/reviews", use: reviews)
        router.post("martech/requests/{id}/decide", use: decide)
    }

    /// A table row: the first cell (a link when `href` is set) and the rest.
    struct Row {
        var first: String
        var rest: [String]
        var href: String?

        init(cells: [String], href: String?) {
            first = cells.first ?? ""
            rest = Array(cells.dropFirst())
            self.href = href
        }
    }

    struct StatModel {
        var label: String
        var value: String
    }

    static func money(_ minor: Int64, _ currency: String) -> String { Money(minorUnits: minor, currency: currency).formatted() }
    static func percent(_ bp: Int64?) -> String {
        guard let bp else { return "–" }
        return String(format: "%.2f %%", Double(bp) / 100)
    }
    static func day(_ millis: Int64?) -> String { millis.map { CalendarDate(millis: $0).description } ?? "never" }

    // MARK: Overview

    struct OverviewModel {
        var title = "MarTech"
        var shell: ShellModel
        var stats: [StatModel]
        var categoryChart: String
        var teamChart: String
        var renewals: [Row]
        var unused: [Row]
        var consolidation: [Row]
        var retirement: [Row]
        var uptime: [Row]
        var alerts: [Row]
        var jobs: String
        var jobFailures: [Row]
        var otherCurrency: String?
    }

    @Sendable func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let snapshot = try await stack.reports.snapshot(scope)
        let o = snapshot.overview()
        let (jobs, failures) = try await stack.tools.database.read { db in
            (try await JobQueue.counts(db, workspaceID: scope.workspace.id), try await JobQueue.failures(db, workspaceID: scope.workspace.id, limit: 5))
        }
        let names = Dictionary(uniqueKeysWithValues: snapshot.tools.map { ($0.id, $0.name) })
        let cur = o.currency
        let inUse = (o.toolsByStatus["active"] ?? 0) + (o.toolsByStatus["evaluating"] ?? 0) + (o.toolsByStatus["retiring"] ?? 0)
        let stats = [
            StatModel(label: "Tools in use", value: "\(inUse) of \(snapshot.tools.count)"),
            StatModel(label: "Annual cost", value: Self.money(o.totalAnnualCost, cur)),
            StatModel(label: "Unused licences, per year", value: Self.money(o.unusedLicenceSpend, cur)),
            StatModel(label: "Consolidation savings", value: Self.money(o.consolidationSavings, cur)),
            StatModel(label: "Renewal decisions in 120 days", value: String(o.renewals.count)),
            StatModel(label: "Open incidents", value: String(o.openIncidents)),
        ]
        let categoryChart = SVGChart.bars(
            o.categories.map { (label: $0.label, value: Double($0.annualCost), display: Self.money($0.annualCost, cur) + " · \($0.tools) tools") },
            title: "Annual cost by category")
        let teamChart = SVGChart.bars(
            o.annualCostByTeam.sorted { $0.value > $1.value }.map { (label: $0.key, value: Double($0.value), display: Self.money($0.value, cur)) },
            title: "Annual cost by team")
        let model = OverviewModel(
            shell: shell, stats: stats, categoryChart: categoryChart, teamChart: teamChart,
            renewals: o.renewals.map {
                Row(cells: [names[$0.toolID] ?? "?", $0.decisionDate.description, "\($0.daysToDecision)", $0.endDate.description,
                            $0.autoRenew ? "auto-renews" : "ends", Self.money($0.annualCost, $0.currency)], href: "/martech/tools/\($0.toolID)")
            },
            unused: o.topUnused.map {
                Row(cells: [names[$0.toolID] ?? "?", "\($0.active90) / \($0.seatsPurchased.map(String.init) ?? "–")", "\($0.unusedSeats)",
                            Self.money($0.unusedCost, cur)], href: "/martech/tools/\($0.toolID)")
            },
            consolidation: snapshot.consolidation().map {
                Row(cells: [names[$0.toolID] ?? "?", names[$0.keepToolID] ?? "?", MartechTaxonomy.label(subcategory: $0.subcategory),
                            "\($0.sharedUsers)", "\($0.usersToMove)", Self.money($0.annualSavings, cur)], href: "/martech/tools/\($0.toolID)")
            },
            retirement: snapshot.retirementCandidates().map {
                Row(cells: [names[$0.toolID] ?? "?", $0.reason, Self.day($0.lastActivity), Self.money($0.annualCost, cur)], href: "/martech/tools/\($0.toolID)")
            },
            uptime: o.uptime.map {
                Row(cells: [names[$0.toolID] ?? "?", Self.percent($0.uptime7), Self.percent($0.uptime30), Self.percent($0.uptime90), Self.percent($0.slaBP),
                            $0.meetsSLA.map { $0 ? "met" : "missed" } ?? "–", $0.openIncident ? "down" : "up"], href: "/martech/tools/\($0.toolID)")
            },
            alerts: try await stack.alerts.alerts(scope, unreadOnly: true).prefix(10).map { Row(cells: [$0.dueDate ?? "", $0.title], href: nil) },
            jobs: jobs.map { "\($0.value) \($0.key)" }.sorted().joined(separator: ", "),
            jobFailures: failures.map { Row(cells: [Timestamp.iso8601($0.at), $0.kind, $0.error], href: nil) },
            otherCurrency: o.otherCurrencyContracts == 0
                ? nil
                : "\(o.otherCurrencyContracts) live contract\(o.otherCurrencyContracts == 1 ? " is" : "s are") in another currency than \(cur) and not in these cost figures.")
        return web.pages.render("stack_overview", model)
    }

    // MARK: Tools

    struct ToolsModel {
        var title = "Tools"
        var shell: ShellModel
        var csrf: String
        var canWrite: Bool
        var rows: [Row]
        var categories: [Option]
        var error: String?
    }

    struct Option {
        var value: String
        var label: String
    }

    @Sendable func tools(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderTools(context: context, error: nil)
    }

    func renderTools(context: AppRequestContext, error: String?) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let snapshot = try await stack.reports.snapshot(scope)
        let rows = snapshot.tools.map { tool -> Row in
            let usage = snapshot.utilization(tool.id)
            return Row(
                cells: [tool.name, MartechTaxonomy.label(category: tool.category), tool.subcategory.map { MartechTaxonomy.label(subcategory: $0) } ?? "",
                        tool.status.rawValue, tool.businessOwner ?? "", Self.money(usage.annualCost, snapshot.currency),
                        "\(usage.active90) / \(usage.seatsPurchased.map(String.init) ?? "–")"],
                href: "/martech/tools/\(tool.id)")
        }
        let model = ToolsModel(
            shell: shell, csrf: shell.csrf, canWrite: scope.role.allows(.write), rows: rows,
            categories: MartechTaxonomy.categories.map { Option(value: $0.key, label: $0.label) }, error: error)
        return web.pages.render("stack_tools", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func createTool(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let form = try await FormFields.read(request, context: context)
        var input = ToolInput()
        input.name = .set(form["name"] ?? "")
        input.category = .set(form["category"] ?? "")
        input.vendor = .set(form["vendor"] ?? "")
        input.status = .set(form["status"] ?? "active")
        do {
            let tool = try await stack.tools.createTool(scope, input)
            return Response.redirect(to: "/martech/tools/\(tool.id)", type: .normal)
        } catch let error as PitcrewError where error.kind == .invalid || error.kind == .conflict {
            return try await renderTools(context: context, error: error.description)
        }
    }

    struct ToolModel {
        var title: String
        var shell: ShellModel
        var fields: [StatModel]
        var usage: [StatModel]
        var features: [Row]
        var contracts: [Row]
        var integrations: [Row]
        var impact: [StatModel]
        var impactTools: [Row]
        var campaigns: [Row]
        var checks: [Row]
        var incidents: [Row]
        var reviews: [Row]
        var playbooks: [Option]
        var toolID: String
        var csrf: String
        var canWrite: Bool
        var others: [Option]
        var error: String?
    }

    @Sendable func tool(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderTool(context: context, error: nil)
    }

    func renderTool(context: AppRequestContext, error: String?) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let snapshot = try await stack.reports.snapshot(scope)
        let id = try context.parameters.require("id")
        guard let tool = snapshot.tools.first(where: { $0.id == id }) else { throw PitcrewError.notFound("Tool") }
        let names = Dictionary(uniqueKeysWithValues: snapshot.tools.map { ($0.id, $0.name) })
        let usage = snapshot.utilization(tool.id)
        let impact = snapshot.impact(of: tool.id)
        let cur = snapshot.currency
        let fields = [
            StatModel(label: "Vendor", value: tool.vendor ?? "–"), StatModel(label: "Website", value: tool.website ?? "–"),
            StatModel(label: "Category", value: MartechTaxonomy.label(category: tool.category)),
            StatModel(label: "Subcategory", value: tool.subcategory.map { MartechTaxonomy.label(subcategory: $0) } ?? "–"),
            StatModel(label: "Status", value: tool.status.rawValue), StatModel(label: "Capabilities", value: tool.capabilities.joined(separator: ", ")),
            StatModel(label: "Business owner", value: tool.businessOwner ?? "–"), StatModel(label: "Technical owner", value: tool.technicalOwner ?? "–"),
            StatModel(label: "Teams", value: tool.teams.joined(separator: ", ")), StatModel(label: "Notes", value: tool.notes ?? ""),
        ]
        let usageStats = [
            StatModel(label: "Seats purchased", value: usage.seatsPurchased.map(String.init) ?? "–"),
            StatModel(label: "Active users, 30 days", value: "\(usage.active30)"), StatModel(label: "Active users, 90 days", value: "\(usage.active90)"),
            StatModel(label: "Annual cost", value: Self.money(usage.annualCost, cur)),
            StatModel(label: "Cost per active user", value: usage.costPerActiveUser.map { Self.money($0, cur) } ?? "–"),
            StatModel(label: "Unused licences", value: "\(usage.unusedSeats) (\(Self.money(usage.unusedCost, cur)) a year)"),
            StatModel(label: "Last activity", value: Self.day(usage.lastActivity)),
        ]
        let contracts = snapshot.contracts.filter { $0.toolID == tool.id }.sorted { $0.startDate > $1.startDate }.map {
            Row(cells: [$0.startDate.description, $0.endDate.description, $0.amount.formatted() + " / " + $0.billingPeriod.rawValue.replacingOccurrences(of: "_", with: "-"),
                        $0.seats.map(String.init) ?? "–", $0.autoRenew ? "yes" : "no", "\($0.noticeDays) days", $0.decisionDate.description,
                        Self.percent($0.slaUptimeBP)], href: nil)
        }
        let integrations = snapshot.integrations.filter { $0.sourceToolID == tool.id || $0.targetToolID == tool.id }.map {
            let outbound = $0.sourceToolID == tool.id
            let other = outbound ? $0.targetToolID : $0.sourceToolID
            return Row(
                cells: [$0.direction == .two_way ? "↔" : (outbound ? "→" : "←"), names[other] ?? "?", $0.objects.joined(separator: ", "),
                        $0.cadence.rawValue.replacingOccurrences(of: "_", with: " "), $0.status.rawValue, $0.owner ?? ""],
                href: "/martech/tools/\(other)")
        }
        let impactStats = [
            StatModel(label: "Integrations that break", value: "\(impact.integrations.count)"),
            StatModel(label: "Downstream tools affected", value: "\(impact.downstreamTools.count)"),
            StatModel(label: "Objects that stop flowing", value: impact.objectsStopped.isEmpty ? "none" : impact.objectsStopped.joined(separator: ", ")),
            StatModel(label: "Campaigns using it", value: "\(impact.campaigns.count)"),
            StatModel(label: "On a data cycle", value: impact.inCycle ? "yes" : "no"),
        ]
        let checks = try await stack.uptime.checks(scope, toolID: tool.id).map {
            Row(cells: [$0.method + " " + $0.url, "\($0.expectedStatus)", "\($0.intervalSeconds) s", $0.enabled ? "on" : "paused"], href: nil)
        }
        let incidents = try await stack.uptime.incidents(scope, toolID: tool.id).map {
            Row(cells: [Timestamp.iso8601($0.openedAt), $0.closedAt.map(Timestamp.iso8601) ?? "open", $0.cause], href: nil)
        }
        let reviews = try await stack.reviews.items(scope, toolID: tool.id).map {
            Row(cells: [$0.kind, $0.question, $0.answer ?? "", $0.status, $0.reviewer ?? "", $0.nextReviewDate ?? ""], href: $0.evidenceURL)
        }
        let model = ToolModel(
            title: tool.name, shell: shell, fields: fields, usage: usageStats,
            features: usage.features.sorted { $0.value > $1.value }.map { Row(cells: [$0.key, "\($0.value)"], href: nil) },
            contracts: contracts, integrations: integrations, impact: impactStats,
            impactTools: impact.downstreamTools.map {
                Row(cells: [names[$0.toolID] ?? "?", $0.objectsLost.joined(separator: ", "), "\($0.depth)"], href: "/martech/tools/\($0.toolID)")
            },
            campaigns: impact.campaigns.map { Row(cells: [$0.name], href: "/campaigns") }, checks: checks, incidents: incidents, reviews: reviews,
            playbooks: tool.playbookLinks.map { Option(value: $0, label: $0) }, toolID: tool.id, csrf: shell.csrf,
            canWrite: scope.role.allows(.write),
            others: snapshot.tools.filter { $0.id != tool.id }.map { Option(value: $0.id, label: $0.name) }, error: error)
        return web.pages.render("stack_tool", model, status: error == nil ? .ok : .badRequest)
    }

    /// Runs a form's write; on a validation problem the tool page is shown again with it, otherwise it reloads.
    func formWrite(_ context: AppRequestContext, _ write: (AccessScope, String) async throws -> Void) async throws -> Response {
        let scope = try await context.scope(access)
        let id = try context.parameters.require("id")
        do {
            try await write(scope, id)
            return Response.redirect(to: "/martech/tools/\(id)", type: .normal)
        } catch let error as PitcrewError where error.kind == .invalid || error.kind == .conflict {
            return try await renderTool(context: context, error: error.description)
        }
    }

    @Sendable func addContract(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        return try await formWrite(context) { scope, id in
            var input = ContractInput()
            // In the currency's own minor units (JPY has none, KWD three), read as imports read amounts.
            let currency = (form["currency"] ?? "USD").trimmingASCIIWhitespace().uppercased()
            switch Currency.parseAmount(form["amount"] ?? "", currency: currency) {
            case .success(let minor) where minor >= 0: input.amountMinor = .set(minor)
            case .success: throw PitcrewError.invalid("amount", "must not be negative")
            case .failure(let problem): throw PitcrewError.invalid("amount", problem.reason + " (an amount such as 12000 or 12000.50)")
            }
            input.currency = .set(currency)
            input.billingPeriod = .set(form["billing_period"] ?? "annual")
            if let seats = form["seats"], !seats.isEmpty {
                guard let value = Int64(seats) else { throw PitcrewError.invalid("seats", "must be a whole number") }
                input.seats = .set(value)
            }
            input.startDate = .set(form["start_date"] ?? "")
            input.endDate = .set(form["end_date"] ?? "")
            input.autoRenew = .set(form["auto_renew"] == "on")
            let notice = (form["notice_days"] ?? "").trimmingASCIIWhitespace()
            guard notice.isEmpty || Int64(notice) != nil else { throw PitcrewError.invalid("notice_days", "must be a whole number of days") }
            input.noticeDays = .set(Int64(notice) ?? 0)
            if let sla = form["sla_uptime_percent"], !sla.isEmpty { input.slaUptimePercent = .set(sla) }
            _ = try await stack.tools.createContract(scope, toolID: id, input)
        }
    }

    @Sendable func addIntegration(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        return try await formWrite(context) { scope, id in
            var input = IntegrationInput()
            let outbound = form["direction"] != "inbound"
            input.sourceToolID = .set(outbound ? id : form["other"] ?? "")
            input.targetToolID = .set(outbound ? form["other"] ?? "" : id)
            input.direction = .set(form["direction"] == "two_way" ? "two_way" : "one_way")
            input.objects = .set((form["objects"] ?? "").split(separator: ",").map(String.init))
            input.cadence = .set(form["cadence"] ?? "daily")
            _ = try await stack.tools.createIntegration(scope, input)
        }
    }

    @Sendable func addCheck(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        return try await formWrite(context) { scope, id in
            var input = UptimeCheckInput(url: form["url"] ?? "")
            input.intervalSeconds = Int64(form["interval_seconds"] ?? "") ?? 300
            _ = try await stack.uptime.createCheck(scope, toolID: id, input)
        }
    }

    @Sendable func startReview(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        return try await formWrite(context) { scope, id in
            _ = try await stack.reviews.start(scope, toolID: id, kind: form["kind"] ?? "")
        }
    }

    // MARK: Map

    struct MapModel {
        var title = "Integration map"
        var shell: ShellModel
        var map: String
        var tools: Int
        var integrations: Int
        var cycles: Int
    }

    @Sendable func map(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let snapshot = try await stack.reports.snapshot(scope)
        let cycle = snapshot.cycleIntegrationIDs()
        let svg = StackMapSVG.render(tools: snapshot.tools, integrations: snapshot.integrations, cycle: cycle)
        return web.pages.render(
            "stack_map",
            MapModel(shell: shell, map: svg, tools: snapshot.tools.filter { $0.status != .retired }.count, integrations: snapshot.integrations.count,
                     cycles: cycle.count))
    }

    // MARK: Renewal calendar

    struct MonthModel {
        var label: String
        var rows: [Row]
        var total: String
    }

    struct RenewalsModel {
        var title = "Renewal calendar"
        var shell: ShellModel
        var months: [MonthModel]
        var alerts: [Row]
    }

    @Sendable func renewals(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let snapshot = try await stack.reports.snapshot(scope)
        let names = Dictionary(uniqueKeysWithValues: snapshot.tools.map { ($0.id, $0.name) })
        let upcoming = snapshot.renewals(withinDays: 366)
        let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
        let grouped = Dictionary(grouping: upcoming) { $0.decisionDate.year * 100 + $0.decisionDate.month }
        let months = grouped.keys.sorted().map { key -> MonthModel in
            let items = grouped[key]!
            let rows = items.map {
                Row(cells: [$0.decisionDate.description, names[$0.toolID] ?? "?", $0.endDate.description, $0.autoRenew ? "auto-renews" : "ends",
                            "\($0.daysToDecision) days", Self.money($0.annualCost, $0.currency)], href: "/martech/tools/\($0.toolID)")
            }
            let total = items.filter { $0.currency == snapshot.currency }.reduce(0) { $0 + $1.annualCost }
            return MonthModel(label: "\(monthNames[key % 100 - 1]) \(key / 100)", rows: rows, total: Self.money(total, snapshot.currency))
        }
        let alerts = try await stack.alerts.alerts(scope).prefix(30).map { Row(cells: [$0.dueDate ?? "", $0.title, $0.readAt == nil ? "new" : "read"], href: nil) }
        return web.pages.render("stack_renewals", RenewalsModel(shell: shell, months: months, alerts: Array(alerts)))
    }

    // MARK: Reviews and requests

    struct RequestModel {
        var id: String
        var toolName: String
        var reason: String
        var cost: String
        var status: String
        var steps: String
        var decisions: [Row]
        var canDecide: Bool
        var csrf: String
    }

    struct ReviewsModel {
        var title = "Reviews and requests"
        var shell: ShellModel
        var reviews: [Row]
        var requests: [RequestModel]
        var error: String?
    }

    @Sendable func reviews(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderReviews(context: context, error: nil)
    }

    func renderReviews(context: AppRequestContext, error: String?) async throws -> Response {
        let (shell, scope) = try await web.shell(context, page: Self.page)
        let tools = try await stack.tools.tools(scope)
        let names = Dictionary(uniqueKeysWithValues: tools.map { ($0.id, $0.name) })
        let reviews = try await stack.reviews.items(scope).map {
            Row(cells: [names[$0.toolID] ?? "?", $0.kind, $0.question, $0.status, $0.reviewer ?? "", $0.nextReviewDate ?? ""], href: "/martech/tools/\($0.toolID)")
        }
        let requests = try await stack.purchases.requests(scope).map { r in
            RequestModel(
                id: r.id, toolName: r.toolName, reason: r.reason, cost: r.cost.formatted(), status: r.status,
                steps: r.chain.enumerated().map { index, step in
                    index < r.currentStep || r.status == "approved" ? "✓ \(step.name)" : (index == r.currentStep && r.status == "pending" ? "→ \(step.name)" : step.name)
                }.joined(separator: "  "),
                decisions: r.decisions.map { Row(cells: [$0.stepName, $0.decision, $0.comment ?? "", Timestamp.iso8601($0.at)], href: nil) },
                canDecide: r.status == "pending", csrf: shell.csrf)
        }
        return web.pages.render("stack_reviews", ReviewsModel(shell: shell, reviews: reviews, requests: requests, error: error),
                                status: error == nil ? .ok : .forbidden)
    }

    @Sendable func decide(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let form = try await FormFields.read(request, context: context)
        do {
            _ = try await stack.purchases.decide(
                scope, id: try context.parameters.require("id"), approve: form["decision"] == "approve", comment: form["comment"])
            return Response.redirect(to: "/martech/reviews", type: .normal)
        } catch let error as PitcrewError where error.kind == .forbidden || error.kind == .conflict {
            return try await renderReviews(context: context, error: error.detail)
        }
    }
}
