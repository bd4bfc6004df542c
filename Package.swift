// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "svctop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "svctop", targets: ["svctop"]),
        .executable(name: "svctop-bench", targets: ["svctop-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // ncurses, as the system provides it (pkg-config ncursesw).
        // No pkgConfig: its cflags (-D_DEFAULT_SOURCE -D_XOPEN_SOURCE=600) are flags SwiftPM refuses with a warning;
        // the shim defines what the headers need and the module map links ncursesw and tinfo.
        .systemLibrary(
            name: "CNCurses",
            providers: [.apt(["libncurses-dev"])]
        ),
        // Async-signal-safe helpers: self-pipe signal handlers and emergency terminal restore.
        .target(name: "CSvctopSys"),
        // Counts allocations for the benchmark only (interposes malloc in that binary).
        .target(name: "CMallocCounter"),

        // Pure: models, parsers, series math, state, reducer, key map. No I/O, no clock reads.
        .target(
            name: "SvctopCore",
            dependencies: [.product(name: "DequeModule", package: "swift-collections")]
        ),
        // Pure: cells, screen buffer, diff, widgets, screens, themes.
        .target(
            name: "SvctopRender",
            dependencies: ["SvctopCore", .product(name: "Yams", package: "Yams")]
        ),
        // HTTP only: scraping, probes, actions.
        .target(
            name: "SvctopNetwork",
            dependencies: [
                "SvctopCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
            ]
        ),
        // ncurses only: the one owner of the terminal, raw input, signals.
        .target(
            name: "SvctopTerminal",
            dependencies: ["CNCurses", "CSvctopSys", "SvctopCore", "SvctopRender"]
        ),
        // The demo fleet: simulated Go services over loopback HTTP.
        .target(
            name: "SvctopDemo",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Configuration: the YAML file, validated with file/line/key errors.
        .target(
            name: "SvctopConfig",
            dependencies: ["SvctopCore", .product(name: "Yams", package: "Yams")]
        ),
        .executableTarget(
            name: "svctop",
            dependencies: [
                "CSvctopSys", "SvctopCore", "SvctopRender", "SvctopNetwork", "SvctopTerminal", "SvctopDemo",
                "SvctopConfig",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Misbehaving servers for the fault tests (used by tests only).
        .target(name: "SvctopTestSupport"),
        .executableTarget(
            name: "svctop-bench",
            dependencies: [
                "SvctopCore", "SvctopRender", "SvctopNetwork", "CMallocCounter",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        .testTarget(
            name: "SvctopCoreTests", dependencies: ["SvctopCore", "SvctopTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(
            name: "SvctopRenderTests", dependencies: ["SvctopRender", "SvctopCore", "SvctopTestSupport"],
            exclude: ["Goldens"]),
        .testTarget(name: "SvctopConfigTests", dependencies: ["SvctopConfig", "SvctopCore", "SvctopTestSupport"]),
        .testTarget(
            name: "SvctopNetworkTests",
            dependencies: [
                "SvctopNetwork", "SvctopCore", "SvctopDemo", "SvctopTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SvctopEndToEndTests",
            dependencies: ["SvctopCore", "SvctopTestSupport", "svctop"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
