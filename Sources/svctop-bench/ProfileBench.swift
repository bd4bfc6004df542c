import ArgumentParser
import CompressNIO
import Foundation
import NIOCore
import SvctopCore
import SvctopPprof
import SwiftProtobuf

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
            var decoded: PprofProfile?
            decodeOnly = min(decodeOnly, measure { decoded = try? PprofDecoder.decode(bytes, kind: .heap) })
            best = min(
                best,
                measure {
                    let p = try? PprofDecoder.decode(bytes, kind: .heap)
                    if let p {
                        table = PprofTable.top(p, type: p.defaultSampleType, order: .flat)
                        profile = p
                    }
                })
            _ = decoded
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
        var m = Svctop_Pprof_Profile()
        var strings = [""]
        for (type, unit) in [("alloc_objects", "count"), ("alloc_space", "bytes"), ("inuse_objects", "count")] {
            var t = Svctop_Pprof_ValueType()
            t.type = Int64(strings.count)
            strings.append(type)
            t.unit = Int64(strings.count)
            strings.append(unit)
            m.sampleType.append(t)
        }
        var inuse = Svctop_Pprof_ValueType()
        inuse.type = Int64(strings.count)
        strings.append("inuse_space")
        inuse.unit = 4  // "bytes"
        m.sampleType.append(inuse)
        let functions = 5_000
        for f in 1...functions {
            var function = Svctop_Pprof_Function()
            function.id = UInt64(f)
            function.name = Int64(strings.count)
            strings.append(f % 3 == 0 ? "runtime.f\(f)" : "github.com/acme/svc/pkg\(f % 97).(*T).Method\(f)")
            function.filename = Int64(strings.count)
            strings.append("/src/pkg\(f % 97)/file\(f % 13).go")
            m.function.append(function)
            var location = Svctop_Pprof_Location()
            location.id = UInt64(f)
            var line = Svctop_Pprof_Line()
            line.functionID = UInt64(f)
            line.line = Int64(f % 400)
            location.line = [line]
            m.location.append(location)
        }
        m.stringTable = strings
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        m.sample.reserveCapacity(stacks)
        for s in 0..<stacks {
            var sample = Svctop_Pprof_Sample()
            // The stack's own index in its leaf makes every stack distinct.
            sample.locationID = [UInt64(s % functions + 1)] + (1..<depth).map { _ in next() % UInt64(functions) + 1 }
            let objects = Int64(next() % 100 + 1)
            sample.value = [objects, objects * 512, objects / 2, objects * 256]
            m.sample.append(sample)
        }
        let encoded: [UInt8] = try! m.serializedBytes()
        var buffer = ByteBuffer(bytes: encoded)
        var out = try! buffer.compress(with: .gzip())
        return out.readBytes(length: out.readableBytes)!
    }
}
