import ArgumentParser
import Foundation
import SvctopCore
import SvctopPprof

/// Opening a profile: gunzip, protobuf, names and stacks, and the first top list, as the profile view does.
struct ProfileBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "pprof profile opening (decode + first top list): time, stacks, size.")

    @Argument(help: "A profile file as served by net/http/pprof (default: a generated heap profile).")
    var file: String?

    @Option(help: "Distinct stacks in the generated profile.")
    var stacks = 100_000

    @Option(help: "Frames per generated stack.")
    var depth = 24

    @Option(help: "Iterations.")
    var iterations = 5

    func run() throws {
        let bytes =
            try file.map { try [UInt8](Data(contentsOf: URL(fileURLWithPath: $0))) }
            ?? Self.generate(stacks: stacks, depth: depth)
        var profile: PprofProfile?
        var table: PprofTable?
        var best = Double.infinity
        var decodeOnly = Double.infinity
        for _ in 0..<iterations {
            // Open = decode, then the first top list; each measured once per iteration.
            let decoding = measure { profile = try? PprofDecoder.decode(bytes, kind: .heap) }
            let listing = measure {
                table = profile.map { PprofTable.top($0, type: $0.defaultSampleType, order: .flat) }
            }
            decodeOnly = min(decodeOnly, decoding)
            best = min(best, decoding + listing)
        }
        guard let profile, let table else {
            print("the profile could not be decoded")
            throw ExitCode.failure
        }
        print(
            "\(file ?? "generated heap profile"): \(format(Double(bytes.count) / 1e6, 2)) MB gzip, "
                + "\(profile.stackCount) stacks, \(profile.functions.count) functions, \(profile.frames.count) frames")
        print("  decode: \(format(decodeOnly * 1000)) ms (best of \(iterations))")
        print("  open (decode + top list): \(format(best * 1000)) ms (best of \(iterations))")
        let type = profile.sampleTypes[profile.defaultSampleType]
        for row in table.rows.prefix(3) {
            print("  \(type.format(row.flat))\t\(type.format(row.cum))\t\(profile.functions[row.function].name)")
        }
    }

    /// A heap profile of `stacks` distinct stacks over 5,000 functions, gzip-compressed like Go's.
    static func generate(stacks: Int, depth: Int) -> [UInt8] {
        let types = [
            ("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count"), ("inuse_space", "bytes"),
        ]
        var b = PprofProfile.Builder(kind: .heap, sampleTypes: types.map { PprofSampleType(name: $0.0, unit: $0.1) })
        let functions = (1...5_000).map { f in
            b.function(
                name: f % 3 == 0 ? "runtime.f\(f)" : "github.com/acme/svc/pkg\(f % 97).(*T).Method\(f)",
                file: "/src/pkg\(f % 97)/file\(f % 13).go")
        }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(state >> 33)
        }
        for s in 0..<stacks {
            // The stack's own index in its first two frames makes every stack distinct.
            let stack =
                [functions[s % functions.count], functions[s / functions.count % functions.count]]
                + (2..<depth).map { _ in functions[next() % functions.count] }
            let objects = Int64(next() % 100 + 1)
            b.add(stack: stack, values: [objects, objects * 512, objects / 2, objects * 256])
        }
        return PprofEncoder.encode(b.build(defaultSampleType: 3, durationSeconds: 0), capturedAt: 0)
    }
}
