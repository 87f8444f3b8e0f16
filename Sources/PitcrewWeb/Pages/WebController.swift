import Foundation
import HTTPTypes
import Hummingbird
import PitcrewCore
import PitcrewStore

/// The HTML pages: sign-in, the home dashboard, the wheel areas, campaigns and settings.
/// Handlers build a view model and render a template; the rules live in the services.
struct WebController {
    static let loginCSRFCookie = "pitcrew_login_csrf"
    let access: AccessService
    let campaigns: CampaignService
    let summaries: SummaryService
    let pages: PageRenderer
    let secureCookies: Bool

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("static/app.css") { _, _ in pages.stylesheetResponse() }
        router.get("js/pitcrew.js") { _, _ in pages.trackerResponse() }
        router.get("favicon.ico") { _, _ in pages.faviconResponse() }
        router.get("login", use: loginPage)
        router.post("login", use: login)
        router.post("logout", use: logout)
        router.post("workspace", use: switchWorkspace)
        router.get("", use: home)
        router.get("areas/{area}", use: area)
        router.get("campaigns", use: campaignsPage)
        router.post("campaigns", use: createCampaign)
        router.get("settings/members", use: membersPage)
        router.get("settings/tokens", use: tokensPage)
        router.post("settings/tokens", use: createToken)
        router.post("settings/tokens/{id}/revoke", use: revokeToken)
    }

    // MARK: Sign-in

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = request.cookies[Self.loginCSRFCookie]?.value ?? Secrets.random(bytes: 24)
        var response = pages.render("login", LoginModel(csrf: token, next: Self.safeNext(request.uri.queryParameters["next"].map(String.init)), email: ""))
        response.setCookie(cookie(Self.loginCSRFCookie, token, request: request, maxAge: 3600))
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let form = try await FormFields.read(request, context: context)
        guard let expected = request.cookies[Self.loginCSRFCookie]?.value, let sent = form["_csrf"], Secrets.constantTimeEquals(expected, sent) else {
            throw PitcrewError.forbidden("The sign-in form expired. Reload the page and try again.")
        }
        let next = Self.safeNext(form["next"])
        do {
            let (secret, session) = try await access.login(email: form["email"] ?? "", password: form["password"] ?? "", client: context.clientAddress)
            var response = Response.redirect(to: next, type: .normal)
            response.setCookie(cookie(AuthMiddleware.sessionCookie, secret, request: request, maxAge: Int((session.expiresAt - Timestamp.now()) / 1000)))
            return response
        } catch let error as PitcrewError where error.kind == .unauthenticated || error.kind == .rateLimited {
            let status: HTTPResponse.Status = error.kind == .rateLimited ? .tooManyRequests : .unauthorized
            return pages.render("login", LoginModel(csrf: expected, next: next, email: form["email"] ?? "", error: error.detail), status: status)
        }
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (_, _, secret) = try context.sessionUser()
        try await access.logout(secret: secret)
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(cookie(AuthMiddleware.sessionCookie, "", request: request, maxAge: 0))
        return response
    }

    @Sendable func switchWorkspace(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (user, _, secret) = try context.sessionUser()
        let form = try await FormFields.read(request, context: context)
        _ = try await access.switchWorkspace(secret: secret, user: user, slug: form["slug"] ?? "")
        return Response.redirect(to: "/", type: .normal)
    }

    /// Only same-site relative paths are followed after sign-in, never another host.
    static func safeNext(_ next: String?) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/_.~?=&%-+,:".utf8)
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), next.utf8.allSatisfy({ allowed.contains($0) }) else { return "/" }
        return next
    }

    func cookie(_ name: String, _ value: String, request: Request, maxAge: Int) -> Cookie {
        let secure = secureCookies || request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https"
        return Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }

    // MARK: Pages

    func shell(_ context: AppRequestContext, page: String) async throws -> (ShellModel, AccessScope) {
        let (user, record, _) = try context.sessionUser()
        let scope = try await context.scope(access)
        let workspaces = try await access.workspaces(of: user)
        return (ShellModel(user: user, scope: scope, csrf: record.csrfToken, workspaces: workspaces, page: page), scope)
    }

    @Sendable func home(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await shell(context, page: "home")
        let summary = try await summaries.summary(scope)
        let spend = summary.spendThisQuarter.map { $0.formatted() }.joined(separator: " + ")
        let stats = [
            StatModel(label: "Contacts", value: Money.groupThousands(UInt64(summary.contacts))),
            StatModel(label: "Accounts", value: Money.groupThousands(UInt64(summary.accounts))),
            StatModel(label: "Events, last 30 days", value: Money.groupThousands(UInt64(summary.eventsLast30Days))),
            StatModel(label: "Spend this quarter", value: spend.isEmpty ? "$0" : spend),
            StatModel(label: "Tools in the stack", value: String(summary.tools)),
            StatModel(label: "Campaigns", value: String(summary.campaigns)),
        ]
        let events = SVGChart.columns(
            summary.eventsPerDay.map { (label: String($0.day.description.dropFirst(5)), value: Double($0.count)) }, title: "Events per day, last 30 days")
        let spendChart = SVGChart.bars(
            summary.spendByChannel.map { (label: $0.channel, value: Double($0.amount.minorUnits), display: $0.amount.formatted()) },
            title: "Spend by channel this quarter")
        let model = HomeModel(
            title: scope.workspace.name, shell: shell, workspaceName: scope.workspace.name, stats: stats, hasEvents: summary.eventsLast30Days > 0,
            eventsChart: events, hasSpend: !summary.spendByChannel.isEmpty, spendChart: spendChart)
        return pages.render("home", model)
    }

    @Sendable func area(_ request: Request, context: AppRequestContext) async throws -> Response {
        let key = try context.parameters.require("area")
        guard let area = WheelArea.all.first(where: { $0.key == key }) else { throw PitcrewError.notFound("Area \(key)") }
        let (shell, _) = try await shell(context, page: "area:" + key)
        return pages.render("area", AreaModel(title: area.label, shell: shell, areaLabel: area.label, areaPurpose: area.purpose, areaStatus: area.status, areaBuilt: area.built))
    }

    @Sendable func campaignsPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderCampaigns(request, context: context, error: nil)
    }

    func renderCampaigns(_ request: Request, context: AppRequestContext, error: String?) async throws -> Response {
        let (shell, scope) = try await shell(context, page: "campaigns")
        let page = try await campaigns.campaigns(scope, page: try request.pageRequest())
        let channels = try await campaigns.channels(scope, page: PageRequest(limit: 500)).items
        let names = Dictionary(uniqueKeysWithValues: channels.map { ($0.id, $0.name) })
        let rows = page.items.map { campaign in
            CampaignRow(
                name: campaign.name, channel: campaign.channelID.flatMap { names[$0] } ?? "—", utm: campaign.utmCampaign ?? "",
                status: campaign.status.rawValue,
                dates: [campaign.startDate?.description, campaign.endDate?.description].compactMap { $0 }.joined(separator: " → "),
                budget: campaign.budget?.formatted() ?? "—")
        }
        let model = CampaignsModel(
            shell: shell, csrf: shell.csrf, campaigns: rows, channels: channels.map { ChannelOption(id: $0.id, name: $0.name) }, more: page.nextCursor,
            canWrite: scope.role.allows(.write), error: error)
        return pages.render("campaigns", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func createCampaign(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let form = try await FormFields.read(request, context: context)
        var input = CampaignInput()
        input.name = .set(form["name"] ?? "")
        for (field, keyPath) in [("channel_id", \CampaignInput.channelID), ("utm_campaign", \.utmCampaign), ("start_date", \.startDate), ("end_date", \.endDate)] {
            if let value = form[field], !value.isEmpty { input[keyPath: keyPath] = .set(value) }
        }
        if let budget = form["budget"], !budget.isEmpty {
            let minor = Int64(budget).map { $0.multipliedReportingOverflow(by: 100) }
            guard let minor, !minor.overflow else {
                return try await renderCampaigns(request, context: context, error: "Budget must be a whole number of at most 15 digits.")
            }
            input.budgetAmount = .set(minor.partialValue)
        }
        do {
            _ = try await campaigns.createCampaign(scope, input)
        } catch let error as PitcrewError where error.kind == .invalid || error.kind == .conflict {
            return try await renderCampaigns(request, context: context, error: error.description)
        }
        return Response.redirect(to: "/campaigns", type: .normal)
    }

    @Sendable func membersPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (shell, scope) = try await shell(context, page: "members")
        let members = try await access.members(scope, page: PageRequest(limit: 500)).items.map {
            MemberRow(name: $0.user.name, email: $0.user.email, role: $0.role.rawValue, joined: String(Timestamp.iso8601($0.joinedAt).prefix(10)))
        }
        return pages.render("members", MembersModel(shell: shell, members: members))
    }

    @Sendable func tokensPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await renderTokens(context: context, newSecret: nil, error: nil)
    }

    func renderTokens(context: AppRequestContext, newSecret: String?, error: String?) async throws -> Response {
        let (shell, scope) = try await shell(context, page: "tokens")
        let tokens = try await access.tokens(scope, page: PageRequest(limit: 500)).items.map { token in
            TokenRow(
                id: token.id, name: token.name, role: token.role.rawValue, prefix: token.prefix, created: String(Timestamp.iso8601(token.createdAt).prefix(10)),
                lastUsed: token.lastUsedAt.map { String(Timestamp.iso8601($0).prefix(16)) } ?? "never", state: token.revokedAt == nil ? "active" : "revoked",
                active: token.revokedAt == nil, csrf: shell.csrf)
        }
        let roles = Role.allCases.filter { $0 <= scope.role }.map(\.rawValue)
        let model = TokensModel(shell: shell, csrf: shell.csrf, tokens: tokens, roles: roles, newSecret: newSecret, error: error)
        return pages.render("tokens", model, status: error == nil ? .ok : .badRequest)
    }

    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        let form = try await FormFields.read(request, context: context)
        do {
            let (_, secret) = try await access.createToken(scope, name: form["name"] ?? "", role: try Role.parse(form["role"] ?? ""))
            return try await renderTokens(context: context, newSecret: secret, error: nil)
        } catch let error as PitcrewError where error.kind == .invalid {
            return try await renderTokens(context: context, newSecret: nil, error: error.description)
        }
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        _ = try await access.revokeToken(scope, id: try context.parameters.require("id"))
        return Response.redirect(to: "/settings/tokens", type: .normal)
    }
}
