// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny")
]

let package = Package(
    name: "optout-gate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "optout-gate", targets: ["optout-gate"]),
        .library(name: "OptOutCore", targets: ["OptOutCore"]),
        .library(name: "OptOutStore", targets: ["OptOutStore"]),
        .library(name: "OptOutServer", targets: ["OptOutServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-configuration.git", from: "1.4.0"),
    ],
    targets: [
        .target(
            name: "OptOutCore",
            // The matcher and its word lists are built at every start of the service and of each CLI command, and
            // the tests build them hundreds of times: unoptimized, that takes seconds each time. The core is compiled
            // optimized in debug builds too (root package only; `swift build -c release` is unchanged).
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // The only code that speaks SQL: the server reaches the databases through it, and cannot import GRDB or
        // PostgresNIO itself (neither is among its dependencies).
        .target(
            name: "OptOutStore",
            dependencies: [
                "OptOutCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "OptOutServer",
            dependencies: [
                "OptOutCore",
                "OptOutStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Configuration", package: "swift-configuration"),
            ],
            resources: [
                .copy("Resources/english-words.txt"), .copy("Resources/english-words.LICENSE"), .copy("Resources/ai-crawlers.txt"),
                .copy("Resources/common-phrases.txt"), .copy("Resources/cjk-common-words.txt"), .copy("Resources/prompt-words.txt"),
                .copy("Resources/prompt-phrases.txt"), .copy("Resources/booru-tags.txt"), .copy("Resources/world-words.txt"),
                .copy("Resources/given-name-cognates.txt"), .copy("Resources/kanji-name-readings.txt"),
                .copy("Resources/katakana-names.txt"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "optout-gate",
            dependencies: [
                "OptOutServer",
                "OptOutStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "optout-bench",
            dependencies: ["OptOutCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OptOutCoreTests",
            dependencies: ["OptOutCore"],
            exclude: ["Eval", "Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OptOutServerTests",
            dependencies: [
                "OptOutServer",
                "OptOutStore",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
