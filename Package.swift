// swift-tools-version:6.2
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "pitcrew",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "pitcrew", targets: ["pitcrew"]),
        .library(name: "PitcrewCore", targets: ["PitcrewCore"]),
        .library(name: "PitcrewAnalytics", targets: ["PitcrewAnalytics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .target(name: "PitcrewCore", swiftSettings: swiftSettings),
        .target(name: "PitcrewAnalytics", swiftSettings: swiftSettings),
        .target(name: "CPitcrew", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "PitcrewStore",
            dependencies: [
                "PitcrewCore",
                "CPitcrew",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewMeasure",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewAnalytics", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewIngest",
            dependencies: [
                "PitcrewCore", "PitcrewStore", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewStack",
            dependencies: [
                "PitcrewCore", "PitcrewStore", "PitcrewIngest", .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewDemo",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewStack", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewWeb",
            dependencies: [
                "PitcrewCore",
                "PitcrewStore",
                "PitcrewMeasure",
                "PitcrewAnalytics",
                "PitcrewIngest",
                "PitcrewStack",
                "CPitcrew",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "pitcrew",
            dependencies: [
                "PitcrewCore",
                "PitcrewStore",
                "PitcrewWeb",
                "PitcrewDemo",
                "PitcrewAnalytics",
                "PitcrewMeasure",
                "PitcrewIngest",
                "PitcrewStack",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PitcrewTestSupport",
            dependencies: [
                "PitcrewCore", "PitcrewStore", .product(name: "Logging", package: "swift-log"), .product(name: "SQLKit", package: "sql-kit"),
            ],
            path: "Tests/PitcrewTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "PitcrewCoreTests", dependencies: ["PitcrewCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "PitcrewAnalyticsTests",
            dependencies: ["PitcrewAnalytics"],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewStoreTests",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewDemoTests",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewDemo", "PitcrewTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewMeasureTests",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewMeasure", "PitcrewAnalytics", "PitcrewDemo", "PitcrewTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewIngestTests",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewIngest", "PitcrewTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewStackTests",
            dependencies: ["PitcrewCore", "PitcrewStore", "PitcrewStack", "PitcrewTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PitcrewWebTests",
            dependencies: [
                "PitcrewCore", "PitcrewStore", "PitcrewWeb", "PitcrewDemo", "PitcrewIngest", "PitcrewStack", "PitcrewTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
