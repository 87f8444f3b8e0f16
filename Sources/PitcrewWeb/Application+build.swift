public import Hummingbird
import Foundation
public import Logging
import NIOCore
import PitcrewCore
public import PitcrewMeasure
public import PitcrewStore
public import PitcrewIngest
public import PitcrewStack
import Prometheus

/// The services the web layer and the CLI share, built once per process.
public struct AppServices: Sendable {
    public let database: Database
    public let access: AccessService
    public let campaigns: CampaignService
    public let summaries: SummaryService
    public let measure: MeasureService
    public let collection: CollectionService
    public let events: EventService
    public let imports: ImportService
    public let contacts: ContactService
    public let stack: StackServices
    public let jobs: JobRunner

    public init(database: Database, bcryptCost: UInt8 = 12, smtp: SMTPConfiguration? = nil) {
        self.database = database
        self.access = AccessService(database: database, bcryptCost: bcryptCost)
        self.campaigns = CampaignService(database: database)
        self.summaries = SummaryService(database: database)
        self.measure = MeasureService(database: database)
        self.collection = CollectionService(database: database, sources: SourceService(database: database))
        self.events = EventService(database: database)
        self.imports = ImportService(database: database)
        self.contacts = ContactService(database: database)
        self.stack = StackServices(database: database)
        self.jobs = JobRunner(database: database, handlers: stack.jobHandlers(database: database, smtp: smtp).merging(campaigns.jobHandlers()) { first, _ in first }, periodic: StackServices.periodicJobs)
    }
}

/// The composition root: opens and migrates the database, builds services, routes and middleware.
/// `pitcrew serve` and the tests call the same function.
public func buildApplication(_ config: AppConfiguration, logger: Logger = Logger(label: "pitcrew")) async throws -> some ApplicationProtocol {
    let database = try await Database.open(config.database, logger: logger)
    return try await buildApplication(config, database: database, logger: logger)
}

/// Builds the application on an opened database (migrating it first). The database runs as one of the app's services.
public func buildApplication(_ config: AppConfiguration, database: Database, logger: Logger) async throws -> some ApplicationProtocol {
    let services = AppServices(database: database, bcryptCost: config.bcryptCost, smtp: config.smtp)
    let router = try await buildRouter(config, services: services)
    var app = Application(
        router: router, configuration: .init(address: .hostname(config.host, port: config.port), serverName: "pitcrew"), logger: logger)
    app.addServices(database)
    if config.collectionProcessing { app.addServices(services.collection.processor) }
    if config.backgroundJobs { app.addServices(services.jobs) }
    app.beforeServerStarts {
        // Migrations need the PostgreSQL pool running, which starts with the services; so they run here.
        let applied = try await Migrator.migrate(database)
        if !applied.isEmpty { logger.info("Applied migrations", metadata: ["names": "\(applied)"]) }
        services.collection.processor.start()
    }
    return app
}

/// All routes and middleware. Exposed so tests can list the routes and compare them with the OpenAPI document.
public func buildRouter(_ config: AppConfiguration, services: AppServices) async throws -> Router<AppRequestContext> {
    let pages = try await PageRenderer.load(resourcesPath: config.resourcesPath)
    let registry = PrometheusCollectorRegistry()
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestMetricsMiddleware(registry: registry))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware(pages: pages))
    router.add(middleware: AuthMiddleware(access: services.access, maxBodyBytes: config.maxBodyBytes))

    OpsController(database: services.database, registry: registry).addRoutes(to: router)
    let api = router.group("api/v1")
    api.get("openapi.json") { _, _ in
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.json())))
    }
    AccessController(access: services.access).addRoutes(to: api)
    CampaignController(access: services.access, campaigns: services.campaigns, summaries: services.summaries).addRoutes(to: api)
    MeasureController(access: services.access, measure: services.measure).addRoutes(to: api)
    let dataSettings = DataSettingsService(database: services.database, collection: services.collection)
    IngestController(access: services.access, collection: services.collection, events: services.events, settings: dataSettings)
        .addRoutes(to: api)
    ImportController(access: services.access, imports: services.imports).addRoutes(to: api)
    ContactController(access: services.access, contacts: services.contacts, collection: services.collection).addRoutes(to: api)
    StackController(access: services.access, stack: services.stack).addRoutes(to: api)
    CollectionController(collection: services.collection).addRoutes(to: router)
    let web = WebController(
        access: services.access, campaigns: services.campaigns, summaries: services.summaries, pages: pages, secureCookies: config.secureCookies)
    web.addRoutes(to: router)
    AnalyticsPages(web: web, measure: services.measure).addRoutes(to: router)
    DataPages(web: web, access: services.access, collection: services.collection, events: services.events, contacts: services.contacts)
        .addRoutes(to: router)
    DataSettingsPages(web: web, settings: dataSettings).addRoutes(to: router)
    ImportPages(web: web, access: services.access, imports: services.imports).addRoutes(to: router)
    StackPages(web: web, access: services.access, stack: services.stack).addRoutes(to: router)
    return router
}

/// `/healthz`, `/readyz`, `/metrics`.
struct OpsController {
    let database: Database
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in JSONResponse(["status": "ok"]) }
        router.get("readyz") { _, _ in
            guard await database.isReady() else {
                throw PitcrewError(.unavailable, "The database does not answer.")
            }
            return JSONResponse(["status": "ready", "database": database.backend.rawValue])
        }
        router.get("metrics") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
