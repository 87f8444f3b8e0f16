import Hummingbird
import PitcrewCore
import PitcrewStore

/// `/api/v1/workspaces`, `/members`, `/tokens`, `/audit-log`: who may see and do what.
struct AccessController {
    let access: AccessService

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("workspaces", use: workspaces)
        group.get("members", use: members)
        group.put("members", use: setMember)
        group.delete("members/{user_id}", use: removeMember)
        group.get("tokens", use: tokens)
        group.post("tokens", use: createToken)
        group.delete("tokens/{id}", use: revokeToken)
        group.get("audit-log", use: auditLog)
    }

    /// Tokens see their own workspace; signed-in users see every workspace they belong to.
    @Sendable func workspaces(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<WorkspaceDTO>> {
        switch context.identity {
        case .token(let scope):
            return JSONResponse(ListResponse(items: [WorkspaceDTO(scope.workspace, role: scope.role)], nextCursor: nil))
        case .session(_, let record):
            let list = try await access.workspaces(of: record.user)
            return JSONResponse(ListResponse(items: list.map { WorkspaceDTO($0.0, role: $0.1) }, nextCursor: nil))
        case nil:
            throw PitcrewError.unauthenticated
        }
    }

    @Sendable func members(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<MemberDTO>> {
        let page = try await access.members(try await context.scope(access), page: try request.pageRequest())
        return JSONResponse(ListResponse(items: page.items.map(MemberDTO.init), nextCursor: page.nextCursor))
    }

    @Sendable func setMember(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<MemberDTO> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["email", "role"])
        let email = body.requiredString("email")
        let roleText = body.requiredString("role")
        try body.finish()
        let member = try await access.setMember(scope, email: email, role: try Role.parse(roleText))
        return JSONResponse(MemberDTO(member))
    }

    @Sendable func removeMember(_ request: Request, context: AppRequestContext) async throws -> Response {
        let scope = try await context.scope(access)
        try await access.removeMember(scope, userID: try context.parameters.require("user_id"))
        return Response(status: .noContent)
    }

    @Sendable func tokens(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<TokenDTO>> {
        let page = try await access.tokens(try await context.scope(access), page: try request.pageRequest())
        return JSONResponse(ListResponse(items: page.items.map { TokenDTO($0) }, nextCursor: page.nextCursor))
    }

    @Sendable func createToken(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<TokenDTO> {
        let scope = try await context.scope(access)
        var body = try await JSONBody.read(request, context: context, allowed: ["name", "role"])
        let name = body.requiredString("name")
        let roleText = body.requiredString("role")
        try body.finish()
        let (token, secret) = try await access.createToken(scope, name: name, role: try Role.parse(roleText))
        return JSONResponse(TokenDTO(token, secret: secret), status: .created)
    }

    @Sendable func revokeToken(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<TokenDTO> {
        let scope = try await context.scope(access)
        return JSONResponse(TokenDTO(try await access.revokeToken(scope, id: try context.parameters.require("id"))))
    }

    @Sendable func auditLog(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<ListResponse<AuditDTO>> {
        let page = try await access.auditLog(try await context.scope(access), page: try request.pageRequest())
        return JSONResponse(ListResponse(items: page.items.map(AuditDTO.init), nextCursor: page.nextCursor))
    }
}
