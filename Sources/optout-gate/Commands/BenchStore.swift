import ArgumentParser
import Foundation
import OptOutCore
import OptOutServer
import OptOutStore

struct BenchStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-store",
        abstract:
            "Measure the storage layer on this machine: metered generations a second on SQLite and PostgreSQL, and registry propagation between two PostgreSQL clients."
    )

    @Option(help: "A PostgreSQL server whose user may create databases (a temporary one is made and dropped); default OPTOUT_DATABASE_URL.")
    var databaseUrl: String?
    @Option(help: "Seconds of metered generations on each backend.")
    var seconds = 10.0
    @Option(help: "Generations in flight at once.")
    var concurrency = 64
    @Option(help: "Registry writes timed from one PostgreSQL client to another.")
    var writes = 200
    @Option(help: "The folder that holds Migrations/ (default: found as serve finds it).")
    var root: String?

    func run() async throws {
        let logger = quietLogger()
        let figures = try await reportingErrors {
            let url = try await requiredDatabaseURL(databaseUrl)
            return try await StoreBenchmark.run(
                adminURL: url,
                resourceRoot: root.map { URL(fileURLWithPath: $0) },
                seconds: seconds,
                concurrency: concurrency,
                writes: writes,
                logger: logger
            )
        }
        let sorted = figures.propagation.sorted()
        func percentile(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        print("metered generations/s, \(concurrency) in flight, \(seconds) s, durable commits:")
        print("  SQLite (GroupCommitter, synchronous=FULL):        \(Int(figures.sqliteGenerationsPerSecond))")
        print("  PostgreSQL (PostgresChargeBatcher, sync commit): \(Int(figures.postgresGenerationsPerSecond))")
        print("  PostgreSQL / SQLite: \((figures.postgresGenerationsPerSecond / figures.sqliteGenerationsPerSecond * 100).rounded()) %")
        print(
            "registry propagation between two PostgreSQL clients (write, NOTIFY, change-log read), \(sorted.count) writes: "
                + "p50 \((percentile(0.5) * 100).rounded() / 100) ms, p99 \((percentile(0.99) * 100).rounded() / 100) ms, max \(((sorted.last ?? 0) * 100).rounded() / 100) ms"
        )
    }
}
