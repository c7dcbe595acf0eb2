import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OptOutCore
import OptOutStore
import ServiceLifecycle

/// The parts of a built service, for the CLI's commands that work on the database directly.
///
/// One backend is chosen at start: SQLite under the data folder (the default), or PostgreSQL when
/// ``AppConfiguration/databaseURL`` is set. The cold stores are written once against ``SQLStore``; the prompt gate's
/// registry reads, the dataset builders' reads and the metered charge have a store per database.
struct Services: Sendable {
    /// SQLite's database, or nil on PostgreSQL.
    let sqlite: AppDatabase?
    /// PostgreSQL's client, or nil on SQLite.
    let postgres: PostgresBackend?
    /// The cold stores' database.
    let store: any SQLStore
    let accounts: AccountRepository
    let artists: ArtistRepository
    let metering: any MeteringStore
    let generations: GenerationQueries
    /// What the prompt gate reads of the registry.
    let registrySource: any RegistrySource
    /// What the look-up, the export and the link index read.
    let registry: any RegistryReads
    let operations: OperationsQueries
    let hasher: PasswordHasher
    let crawlers: [String]
    /// Active phrases the collision guard's newer rule moved back to review at this start (nil: none to apply).
    let guardHeld: Int?

    /// The word lists (the collision guard's, read on first use).
    let wordLists: WordLists

    /// Opens the database (applying migrations) and reads the matcher's ordinary words. `metrics`: where the group
    /// commits record their batches (nil: nowhere).
    init(configuration: AppConfiguration, metrics: ServiceMetrics? = nil) async throws {
        let commits = metrics?.commits ?? .none
        let root = try configuration.storage.resourceRoot ?? ResourceLocator.findRoot()
        if let url = configuration.storage.databaseURL {
            var logger = Logger(label: "optout-gate.postgres")
            logger.logLevel = configuration.logging.level
            let backend = PostgresBackend(url: try DatabaseURL(url), connections: configuration.storage.databaseConnections, logger: logger)
            backend.start()
            do {
                try await backend.migrate(from: root.appendingPathComponent("Migrations/postgres"))
                try await backend.assertDurability()
            } catch {
                backend.stop()
                throw error
            }
            sqlite = nil
            postgres = backend
            store = PostgresSQLStore(backend: backend)
            let registryStore = PostgresRegistryStore(database: backend)
            registrySource = BlockingPostgresRegistry(store: registryStore)
            registry = registryStore
            metering = PostgresGenerationStore(database: backend, metrics: commits)
        } else {
            let database = try AppDatabase(
                dataDirectory: configuration.storage.dataDirectory,
                migrationsDirectory: root.appendingPathComponent("Migrations/sqlite")
            )
            sqlite = database
            postgres = nil
            store = SQLiteStore(database: database)
            let registryStore = RegistryStore(database: database)
            registrySource = registryStore
            registry = registryStore
            metering = GenerationStore(database: database, metrics: commits)
        }
        accounts = AccountRepository(store: store)
        generations = GenerationQueries(store: store)
        operations = OperationsQueries(store: store)
        // The word lists are read when first needed: by the prompt gate of a service, not by a CLI command that
        // only writes rows (each one would spend a second or more reading them).
        wordLists = configuration.wordLists
        try WordLists.checkResources()
        artists = ArtistRepository(store: store, collisionGuard: { [wordLists] in try wordLists.collisionGuard() })
        guardHeld = try await artists.applyGuardRevision()
        hasher = PasswordHasher(cost: configuration.accounts.bcryptCost)
        crawlers = try CrawlerList.load()
    }

    /// Lets the PostgreSQL client go (a no-op on SQLite): for the CLI's commands once they are done.
    func close() {
        postgres?.stop()
    }

    /// Who runs background job `job`: this process on SQLite, the job's leader on PostgreSQL.
    func runner(_ job: PostgresLeadership.Job) -> JobRunner {
        postgres.map { .leader(PostgresLeadership(database: $0), job) } ?? .thisProcess
    }

    func reports(_ configuration: AppConfiguration) -> ReportRepository {
        ReportRepository(
            store: store,
            rulingWindow: configuration.moderation.rulingWindow,
            claimLifetime: configuration.moderation.claimLifetime,
            perHour: configuration.moderation.reportsPerHour
        )
    }
}
