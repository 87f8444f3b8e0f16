import Foundation
public import PitcrewStore

/// The stack area's services, built once per process.
public struct StackServices: Sendable {
    public let tools: ToolService
    public let reports: StackService
    public let usage: UsageService
    public let uptime: UptimeService
    public let alerts: AlertService
    public let reviews: ReviewService
    public let purchases: PurchaseService
    public let code: StackCode
    public let csv: StackCSV

    public init(database: Database) {
        tools = ToolService(database: database)
        reports = StackService(database: database)
        usage = UsageService(database: database)
        uptime = UptimeService(database: database)
        alerts = AlertService(database: database)
        reviews = ReviewService(database: database)
        purchases = PurchaseService(database: database)
        code = StackCode(database: database)
        csv = StackCSV(database: database)
    }

    /// The job kinds the stack runs, and the periodic ones.
    public func jobHandlers(database: Database, smtp: SMTPConfiguration?) -> [String: JobRunner.Handler] {
        let uptime = self.uptime
        let alerts = self.alerts
        return [
            "uptime.schedule": { _ in try await uptime.scheduleDue() },
            "uptime.check": { job in
                struct Payload: Decodable { var check_id: String }
                let payload = try JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))
                try await uptime.run(checkID: payload.check_id)
            },
            "stack.renewal_scan": { _ in try await alerts.scanRenewals() },
            "notify.webhook": { job in try await Notifications.deliverWebhook(database, job) },
            "notify.email": { job in try await Notifications.deliverEmail(smtp, job) },
        ]
    }

    public static let periodicJobs: [JobRunner.Periodic] = [
        .init(kind: "uptime.schedule", every: .seconds(15)), .init(kind: "stack.renewal_scan", every: .seconds(3_600)),
    ]
}
