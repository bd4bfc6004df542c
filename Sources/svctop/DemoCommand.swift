import ArgumentParser
@preconcurrency import Foundation
import SvctopDemo

/// `svctop demo`: the demo fleet without the dashboard, for other tools, other windows and tests.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the demo fleet headless and print its URLs, until interrupted.")

    @Option(name: .long, help: "Number of instances.")
    var instances = 6

    @Option(name: .long, help: "Only this incident (the others stay healthy).")
    var scenario: Scenario?

    func run() async throws {
        let fleet = DemoFleet(specs: DemoInstanceSpec.fleet(count: instances, only: scenario))
        try await fleet.start()
        for (spec, target) in zip(fleet.specs, fleet.targets) {
            print("\(target)\t# \(spec.scenario.rawValue): \(spec.scenario.summary)")
        }
        print("# watch it: svctop " + fleet.targets.joined(separator: " "))
        fflush(nil)
        // Run until SIGINT, SIGTERM or SIGHUP.
        let (signals, continuation) = AsyncStream.makeStream(of: Int32.self)
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig)
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        for await _ in signals { break }
        sources.forEach { $0.cancel() }
        await fleet.stop()
    }
}
