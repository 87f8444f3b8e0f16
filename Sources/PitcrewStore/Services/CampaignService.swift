import Foundation
public import PitcrewCore
import SQLKit

/// Campaigns and channels: the rules for creating and changing them, and the audit trail of every change.
public struct CampaignService: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    // MARK: Campaigns

    public func campaigns(_ scope: AccessScope, page: PageRequest, status: CampaignStatus? = nil) async throws -> Page<Campaign> {
        try scope.require(.read)
        return try await database.read { db in
            try await CampaignStore.campaigns(db, workspaceID: scope.workspace.id, page: page, status: status)
        }
    }

    public func campaign(_ scope: AccessScope, id: String) async throws -> Campaign {
        try scope.require(.read)
        guard Identifier.isValid(id), let campaign = try await database.read({ db in
            try await CampaignStore.campaign(db, workspaceID: scope.workspace.id, id: id)
        }) else { throw PitcrewError.notFound("Campaign") }
        return campaign
    }

    public func createCampaign(_ scope: AccessScope, _ input: CampaignInput) async throws -> Campaign {
        try scope.require(.write)
        var validator = Validator()
        if case .unchanged = input.name { validator.add("name", "is required") }
        try validator.finish()
        let now = Timestamp.now()
        let blank = Campaign(
            id: Identifier.make(), workspaceID: scope.workspace.id, name: "", channelID: nil, utmCampaign: nil, status: .planned,
            startDate: nil, endDate: nil, budget: nil, ownerUserID: nil, createdAt: now, updatedAt: now)
        return try await database.transaction { db in
            let campaign = try await apply(input, to: blank, db: db, scope: scope)
            try await CampaignStore.insert(db, campaign)
            try await Self.link(db, campaign)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "campaign.create", entity: "campaign", entityID: campaign.id,
                after: campaign)
            return campaign
        }
    }

    public func updateCampaign(_ scope: AccessScope, id: String, _ input: CampaignInput) async throws -> Campaign {
        try scope.require(.write)
        return try await database.transaction { db in
            guard Identifier.isValid(id), let current = try await CampaignStore.campaign(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Campaign")
            }
            var updated = try await apply(input, to: current, db: db, scope: scope)
            updated.updatedAt = Timestamp.now()
            try await CampaignStore.update(db, updated)
            if updated.name != current.name || updated.utmCampaign != current.utmCampaign || updated.channelID != current.channelID {
                try await Self.link(db, updated)
            }
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "campaign.update", entity: "campaign", entityID: id,
                before: current, after: updated)
            return updated
        }
    }

    /// Links the spend and touchpoints that name the campaign (`CampaignStore.linkUnlinked`), now and once more after
    /// `relinkDelay`: collectors read the campaigns every few seconds (`WorkspaceSettingsCache`), so touches they write
    /// just after a campaign is made or renamed may not know it yet. Campaigns that share its UTM campaign give it the
    /// rows of its channel they had.
    static func link(_ db: any SQLDatabase, _ campaign: Campaign) async throws {
        try await CampaignStore.linkUnlinked(db, campaign, relinking: true)
        // A second change within the delay postpones the waiting job to `relinkDelay` after this one.
        try await JobQueue.enqueue(
            db, workspaceID: campaign.workspaceID, kind: Self.relinkJob, payload: #"{"campaign_id":"\#(campaign.id)"}"#,
            uniqueKey: "\(Self.relinkJob):\(campaign.id)", runAt: Timestamp.now() + Self.relinkDelay, postponing: true)
    }

    public static let relinkJob = "campaign.link"
    public static let relinkDelay: Int64 = 15_000

    /// The background work of campaigns, for the job runner.
    public func jobHandlers() -> [String: JobRunner.Handler] {
        let database = self.database
        return [
            Self.relinkJob: { job in
                struct Payload: Decodable { var campaign_id: String }
                let payload = try JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))
                guard let workspaceID = job.workspaceID else { return }
                try await database.transaction { db in
                    // A campaign deleted since has nothing to link.
                    guard let campaign = try await CampaignStore.campaign(db, workspaceID: workspaceID, id: payload.campaign_id) else { return }
                    try await CampaignStore.linkUnlinked(db, campaign, relinking: true)
                }
            }
        ]
    }

    public func deleteCampaign(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(id), let current = try await CampaignStore.campaign(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Campaign")
            }
            try await CampaignStore.delete(db, workspaceID: scope.workspace.id, id: id)
            // Its rows are unlinked (ON DELETE SET NULL): another campaign of that name or UTM campaign takes them.
            try await CampaignStore.linkAllUnlinked(db, workspaceID: scope.workspace.id)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "campaign.delete", entity: "campaign", entityID: id,
                before: current)
        }
    }

    /// Validates a patch against the current campaign and the workspace's other records; reports every problem at once.
    private func apply(_ input: CampaignInput, to current: Campaign, db: any SQLDatabase, scope: AccessScope) async throws -> Campaign {
        var campaign = current
        var validator = Validator()
        switch input.name {
        case .set(let name): campaign.name = Validation.name(name, field: "name", into: &validator)
        case .clear: validator.add("name", "must not be empty")
        case .unchanged: break
        }
        if case .set(let name) = input.name,
            let other = try await CampaignStore.other(db, workspaceID: scope.workspace.id, than: current.id, name: name.trimmingASCIIWhitespace())
        {
            throw PitcrewError.conflict("name", "A campaign named \(other.name) exists in this workspace.")
        }
        campaign.channelID = input.channelID.apply(to: current.channelID)
        if case .set(let channelID) = input.channelID {
            let exists = Identifier.isValid(channelID) ? try await CampaignStore.channel(db, workspaceID: scope.workspace.id, id: channelID) : nil
            validator.check(exists != nil, "channel_id", "no channel with this id in this workspace")
        }
        campaign.utmCampaign = input.utmCampaign.apply(to: current.utmCampaign)?.trimmingASCIIWhitespace()
        if let utm = campaign.utmCampaign {
            validator.check(!utm.isEmpty && utm.count <= 200, "utm_campaign", "must be 1–200 characters")
            validator.check(!utm.contains(" "), "utm_campaign", "must not contain spaces (UTM values travel in URLs)")
            // Campaigns may share a UTM campaign when their channels tell their rows apart (`CampaignChoice`).
            let sharing = try await CampaignStore.others(db, workspaceID: scope.workspace.id, than: current.id, utmCampaign: utm)
            if let twin = sharing.first(where: { $0.channelID == campaign.channelID }) {
                throw PitcrewError.conflict(
                    "utm_campaign",
                    "\(twin.name) has this UTM campaign \(campaign.channelID == nil ? "and no channel either" : "on the same channel"): every row of it "
                        + "would be \(twin.id < current.id ? twin.name : campaign.name)'s. Give the campaign another UTM campaign, or a channel of its own.")
            }
        }
        switch input.status {
        case .set(let text):
            if let status = CampaignStatus(rawValue: text) {
                campaign.status = status
            } else {
                validator.add("status", "must be one of \(CampaignStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        case .clear: validator.add("status", "must not be null")
        case .unchanged: break
        }
        for (field, patch, keyPath) in [("start_date", input.startDate, \Campaign.startDate), ("end_date", input.endDate, \Campaign.endDate)] {
            switch patch {
            case .set(let text):
                if let date = CalendarDate(text) { campaign[keyPath: keyPath] = date } else { validator.add(field, "must be a date as YYYY-MM-DD") }
            case .clear: campaign[keyPath: keyPath] = nil
            case .unchanged: break
            }
        }
        if let start = campaign.startDate, let end = campaign.endDate {
            validator.check(end >= start, "end_date", "must not be before start_date")
        }
        let amount = input.budgetAmount.apply(to: current.budget?.minorUnits)
        let currency = input.budgetCurrency.apply(to: current.budget?.currency) ?? "USD"
        if let amount {
            validator.check(amount >= 0, "budget.amount", "must not be negative")
            validator.check(Money.isCurrencyCode(currency), "budget.currency", "must be an ISO 4217 code such as USD")
            campaign.budget = Money(minorUnits: amount, currency: currency)
        } else {
            campaign.budget = nil
        }
        campaign.ownerUserID = input.ownerUserID.apply(to: current.ownerUserID)
        if case .set(let owner) = input.ownerUserID {
            let role = Identifier.isValid(owner) ? try await TenancyStore.role(db, workspaceID: scope.workspace.id, userID: owner) : nil
            validator.check(role != nil, "owner_user_id", "must be a member of this workspace")
        }
        try validator.finish()
        return campaign
    }

    // MARK: Channels

    public func channels(_ scope: AccessScope, page: PageRequest) async throws -> Page<Channel> {
        try scope.require(.read)
        return try await database.read { db in try await CampaignStore.channels(db, workspaceID: scope.workspace.id, page: page) }
    }

    public func createChannel(_ scope: AccessScope, _ input: ChannelInput) async throws -> Channel {
        try scope.require(.write)
        var validator = Validator()
        let name = Validation.name(input.name, field: "name", max: 100, into: &validator)
        let kind = ChannelKind(rawValue: input.kind)
        validator.check(kind != nil, "kind", "must be one of paid, owned, earned")
        try validator.finish()
        let channel = Channel(id: Identifier.make(), workspaceID: scope.workspace.id, name: name, kind: kind!, createdAt: Timestamp.now())
        return try await database.transaction { db in
            if try await CampaignStore.channel(db, workspaceID: scope.workspace.id, name: name) != nil {
                throw PitcrewError.conflict("name", "A channel named \(name) exists in this workspace.")
            }
            try await CampaignStore.insert(db, channel)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "channel.create", entity: "channel", entityID: channel.id,
                after: channel)
            return channel
        }
    }

    public func deleteChannel(_ scope: AccessScope, id: String) async throws {
        try scope.require(.write)
        try await database.transaction { db in
            guard Identifier.isValid(id), let channel = try await CampaignStore.channel(db, workspaceID: scope.workspace.id, id: id) else {
                throw PitcrewError.notFound("Channel")
            }
            try await CampaignStore.delete(db, workspaceChannel: channel)
            try await AuditLog.record(
                db, workspaceID: scope.workspace.id, actor: scope.actor, action: "channel.delete", entity: "channel", entityID: id,
                before: channel)
        }
    }
}
