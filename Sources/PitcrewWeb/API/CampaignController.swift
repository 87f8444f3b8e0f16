import Hummingbird
import PitcrewCore
import PitcrewStore

/// `/api/v1/campaigns`, `/api/v1/channels` and `/api/v1/summary`.
struct CampaignController {
    let access: AccessService
    let campaigns: CampaignService
    let summaries: SummaryService

    static let campaignFields: Set<String> = [
        "name", "channel_id", "utm_campaign", "status", "start_date", "end_date", "budget", "owner_user_id",
    ]

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("campaigns", use: list)
        group.post("campaigns", use: create)
        group.get("campaigns/{id}", use: show)
        group.patch("campaigns/{id}", use: update)
        group.delete("campaigns/{id}", use: delete)
        group.get("channels", use: channels)
        group.post("channels", use: createChannel)
        group.delete("channels/{id}", use: deleteChannel)
        group.get("summary", use: summary)
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<CampaignDTO>> {
        var status: CampaignStatus?
        if let text = request.uri.queryParameters["status"] {
            guard let parsed = CampaignStatus(rawValue: String(text)) else {
                throw PitcrewError.invalid("status", "must be one of \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        let page = try await campaigns.campaigns(try await context.scope(access), page: try request.pageRequest(), status: status)
        return JSONResponse(ListResponse(items: page.items.map(CampaignDTO.init), nextCursor: page.nextCursor))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<CampaignDTO> {
        JSONResponse(CampaignDTO(try await campaigns.campaign(try await context.scope(access), id: try context.parameters.require("id"))))
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<CampaignDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readInput(request, context: context)
        return JSONResponse(CampaignDTO(try await campaigns.createCampaign(scope, input)), status: .created)
    }

    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<CampaignDTO> {
        let scope = try await context.scope(access)
        let input = try await Self.readInput(request, context: context)
        return JSONResponse(CampaignDTO(try await campaigns.updateCampaign(scope, id: try context.parameters.require("id"), input)))
    }

    @Sendable func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await campaigns.deleteCampaign(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    static func readInput(_ request: Request, context: AppRequestContext) async throws -> CampaignInput {
        var body = try await JSONBody.read(request, context: context, allowed: campaignFields)
        var input = CampaignInput()
        input.name = body.string("name")
        input.channelID = body.string("channel_id")
        input.utmCampaign = body.string("utm_campaign")
        input.status = body.string("status")
        input.startDate = body.string("start_date")
        input.endDate = body.string("end_date")
        input.ownerUserID = body.string("owner_user_id")
        switch body.object("budget", allowed: ["amount_minor", "currency"]) {
        case .none: break
        case .some(nil):
            input.budgetAmount = .clear
            input.budgetCurrency = .clear
        case .some(var budget?):
            input.budgetAmount = budget.integer("amount_minor")
            input.budgetCurrency = budget.string("currency")
            if !budget.contains("amount_minor") { budget.validatorAdd("budget.amount_minor", "is required") }
            body.merge(budget)
        }
        try body.finish()
        return input
    }

    @Sendable func channels(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<ChannelDTO>> {
        let page = try await campaigns.channels(try await context.scope(access), page: try request.pageRequest())
        return JSONResponse(ListResponse(items: page.items.map(ChannelDTO.init), nextCursor: page.nextCursor))
    }

    @Sendable func createChannel(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ChannelDTO> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["name", "kind"])
        let name = body.requiredString("name")
        let kind = body.requiredString("kind")
        try body.finish()
        return JSONResponse(ChannelDTO(try await campaigns.createChannel(scope, ChannelInput(name: name, kind: kind))), status: .created)
    }

    @Sendable func deleteChannel(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await campaigns.deleteChannel(try await context.scope(access), id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    @Sendable func summary(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<SummaryDTO> {
        JSONResponse(SummaryDTO(try await summaries.summary(try await context.scope(access))))
    }
}
