import PitcrewCore
import PitcrewStore

/// The eight areas of the Marketing Operations Wheel, and what is built of each.
struct WheelArea: Sendable {
    var key: String
    var label: String
    var purpose: String
    var status: String
    var built: Bool

    static let all: [WheelArea] = [
        WheelArea(
            key: "martech", label: "MarTech", purpose: "Inventory of tools, contracts and renewals, utilization, overlap, integration map, uptime, reviews.",
            status: "Tools, contracts and renewals, utilization, overlap, the integration map with impact analysis, uptime, reviews and purchase approvals: see /martech.",
            built: true),
        WheelArea(
            key: "enablement", label: "Enablement", purpose: "Playbooks, training, process and naming standards.",
            status: "No issue has been scheduled for this area yet.", built: false),
        WheelArea(
            key: "pmo", label: "PMO", purpose: "Work intake, approvals, projects, capacity, campaign launch gates.",
            status: "No issue has been scheduled for this area yet.", built: false),
        WheelArea(
            key: "planning", label: "Planning", purpose: "Calendar, goals and KPIs, risks.",
            status: "Campaigns with dates and budgets exist (see Campaigns); the calendar, goals and risks are not built.", built: false),
        WheelArea(
            key: "ai", label: "AI", purpose: "Predictive scoring, forecasts, anomaly alerts, content assistance.",
            status: "No issue has been scheduled for this area yet.", built: false),
        WheelArea(
            key: "analytics", label: "BI & Analytics", purpose: "Attribution (rule-based, Markov, Shapley), funnels, ROI, dashboards.",
            status: "Attribution, ROI and funnels are built: see /analytics.", built: true),
        WheelArea(
            key: "budgeting", label: "Budgeting", purpose: "Plan vs actual, ROI, reallocation.",
            status: "Spend is recorded and summed on the home page; plan vs actual is not built.", built: false),
        WheelArea(
            key: "data", label: "Data Management", purpose: "Ingestion, imports, normalization, identity resolution, quality, governance.",
            status: "Sources with the Segment-compatible collection API and the live debugger, imports, contacts and accounts: see /data.",
            built: true),
    ]
}

/// The page frame: who is signed in, the workspace switcher, the navigation.
struct ShellModel {
    struct WorkspaceOption {
        var slug: String
        var name: String
        var selected: Bool
    }

    struct AreaLink {
        var key: String
        var href: String
        var label: String
        var built: Bool
        var active: Bool
    }

    var userName: String
    var role: String
    var csrf: String
    var workspaces: [WorkspaceOption]
    var areas: [AreaLink]
    var homeActive = false
    var campaignsActive = false
    var membersActive = false
    var tokensActive = false

    init(user: User, scope: AccessScope, csrf: String, workspaces: [(Workspace, Role)], page: String) {
        userName = user.name
        role = scope.role.rawValue
        self.csrf = csrf
        self.workspaces = workspaces.map { WorkspaceOption(slug: $0.0.slug, name: $0.0.name, selected: $0.0.id == scope.workspace.id) }
        areas = WheelArea.all.map { AreaLink(
                key: $0.key, href: $0.built ? "/\($0.key)" : "/areas/\($0.key)", label: $0.label, built: $0.built,
                active: page == "area:" + $0.key || page == $0.key) }
        homeActive = page == "home"
        campaignsActive = page == "campaigns"
        membersActive = page == "members"
        tokensActive = page == "tokens"
    }
}

struct StatModel {
    var label: String
    var value: String
}

struct HomeModel {
    var title: String
    var shell: ShellModel
    var workspaceName: String
    var stats: [StatModel]
    var hasEvents: Bool
    var eventsChart: String
    var hasSpend: Bool
    var spendChart: String
}

struct AreaModel {
    var title: String
    var shell: ShellModel
    var areaLabel: String
    var areaPurpose: String
    var areaStatus: String
    var areaBuilt: Bool
}

struct CampaignRow {
    var name: String
    var channel: String
    var utm: String
    var status: String
    var dates: String
    var budget: String
}

struct ChannelOption {
    var id: String
    var name: String
}

struct CampaignsModel {
    var title = "Campaigns"
    var shell: ShellModel
    var csrf: String
    var campaigns: [CampaignRow]
    var channels: [ChannelOption]
    var more: String?
    var canWrite: Bool
    var error: String?
}

struct MemberRow {
    var name: String
    var email: String
    var role: String
    var joined: String
}

struct MembersModel {
    var title = "Members"
    var shell: ShellModel
    var members: [MemberRow]
}

struct TokenRow {
    var id: String
    var name: String
    var role: String
    var prefix: String
    var created: String
    var lastUsed: String
    var state: String
    var active: Bool
    var csrf: String
}

struct TokensModel {
    var title = "API tokens"
    var shell: ShellModel
    var csrf: String
    var tokens: [TokenRow]
    var roles: [String]
    var newSecret: String?
    var error: String?
}

struct LoginModel {
    var title = "Sign in"
    var csrf: String
    var next: String
    var email: String
    var error: String?
}
