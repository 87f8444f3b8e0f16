/// A member's role in a workspace. Roles are ordered: each one can do everything the ones below it can.
public enum Role: String, Sendable, Codable, CaseIterable, Comparable {
    case viewer, analyst, marketer, admin, owner

    var rank: Int {
        switch self {
        case .viewer: 0
        case .analyst: 1
        case .marketer: 2
        case .admin: 3
        case .owner: 4
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// True when this role may do `permission`.
    public func allows(_ permission: Permission) -> Bool { self >= permission.minimumRole }

    public static func parse(_ text: String, field: String = "role") throws(PitcrewError) -> Role {
        guard let role = Role(rawValue: text.lowercased()) else {
            throw .invalid(field, "must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return role
    }
}

/// What a request wants to do; each route names one.
public enum Permission: String, Sendable {
    /// Read anything in the workspace.
    case read
    /// Run analyses that compute over workspace data.
    case analyze
    /// Create and change marketing records (campaigns, channels, imports).
    case write
    /// Invite, change and remove members; create and revoke API tokens and source write keys.
    case manageMembers
    /// Rename or delete the workspace.
    case manageWorkspace

    public var minimumRole: Role {
        switch self {
        case .read: .viewer
        case .analyze: .analyst
        case .write: .marketer
        case .manageMembers: .admin
        case .manageWorkspace: .owner
        }
    }
}
