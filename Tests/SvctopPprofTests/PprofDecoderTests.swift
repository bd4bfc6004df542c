import CompressNIO
import Foundation
import NIOCore
import SvctopCore
import SvctopTestSupport
import SwiftProtobuf
import Testing

@testable import SvctopPprof

/// Builds profiles the way a Go service encodes them, for tests.
enum ProfileWriter {
    /// A profile from stacks of function names (leaf first); a name list `["a+b", ...]` makes one location with
    /// `a` inlined into `b`.
    static func encode(
        types: [(String, String)], samples: [([String], [Int64])], defaultType: String? = nil,
        durationNanos: Int64 = 0
    ) -> [UInt8] {
        var strings = [""]
        func index(_ s: String) -> Int64 {
            if let i = strings.firstIndex(of: s) { return Int64(i) }
            strings.append(s)
            return Int64(strings.count - 1)
        }
        var m = Svctop_Pprof_Profile()
        m.sampleType = types.map { t in
            var v = Svctop_Pprof_ValueType()
            v.type = index(t.0)
            v.unit = index(t.1)
            return v
        }
        var functionIDs: [String: UInt64] = [:]
        var locationIDs: [String: UInt64] = [:]
        for (stack, values) in samples {
            var sample = Svctop_Pprof_Sample()
            for frame in stack {
                if locationIDs[frame] == nil {
                    var location = Svctop_Pprof_Location()
                    location.id = UInt64(locationIDs.count + 1)
                    for name in frame.split(separator: "+").map(String.init) {
                        if functionIDs[name] == nil {
                            var f = Svctop_Pprof_Function()
                            f.id = UInt64(functionIDs.count + 1)
                            f.name = index(name)
                            f.filename = index("/src/\(name.split(separator: ".").first ?? "x").go")
                            m.function.append(f)
                            functionIDs[name] = f.id
                        }
                        var line = Svctop_Pprof_Line()
                        line.functionID = functionIDs[name]!
                        location.line.append(line)
                    }
                    m.location.append(location)
                    locationIDs[frame] = location.id
                }
                sample.locationID.append(locationIDs[frame]!)
            }
            sample.value = values
            m.sample.append(sample)
        }
        if let defaultType { m.defaultSampleType = index(defaultType) }
        m.durationNanos = durationNanos
        m.stringTable = strings
        return gzip(try! m.serializedBytes())
    }

    static func gzip(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        var out = try! buffer.compress(with: .gzip())
        return out.readBytes(length: out.readableBytes)!
    }
}

@Suite("pprof profiles: decoding, top lists against go tool pprof, bad input")
struct PprofDecoderTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil))
        return try [UInt8](Data(contentsOf: url))
    }

    /// Compares svctop's top list with `go tool pprof -top` output: the first `count` rows, names and exact values.
    static func expectSameTop(
        _ profile: PprofProfile, type: String, order: PprofOrder, pprof text: String, count: Int = 10
    ) throws {
        let expected = PprofTopText.parse(text)
        try #require(expected.count >= min(count, 3), "pprof printed no table: \(text)")
        let t = try #require(profile.sampleType(named: type))
        let table = PprofTable.top(profile, type: t, order: order)
        let mine = PprofTopText.keptByPprof(
            table.rows.map { PprofTopText.Row(name: profile.functions[$0.function].name, flat: $0.flat, cum: $0.cum) },
            total: table.total
        ).prefix(count)
        #expect(Array(mine) == Array(expected.prefix(count)), "svctop:\n\(mine)\npprof:\n\(expected.prefix(count))")
    }

    @Test("the reader of pprof's table drops its inline marks, so a partly inlined function keeps its own name")
    func topTextMarks() {
        let text = """
                  flat  flat%   sum%        cum   cum%
              30000000ns  1.5%  1.5%   30000000ns  1.5%  runtime.nanotime (partial-inline)
              20000000ns  1.0%  2.5%   50000000ns  2.5%  main.step (inline)
                     0     0%  2.5%   20000000ns  1.0%  net.(*Dialer).DialContext
            """
        #expect(
            PprofTopText.parse(text) == [
                .init(name: "runtime.nanotime", flat: 30_000_000, cum: 30_000_000),
                .init(name: "main.step", flat: 20_000_000, cum: 50_000_000),
                .init(name: "net.(*Dialer).DialContext", flat: 0, cum: 20_000_000),
            ])
    }

    @Test("a CPU profile from the Go service: top 10 by flat and by cum equal go tool pprof -top on the same file")
    func cpuFixture() throws {
        let profile = try PprofDecoder.decode(try Self.fixture("go-cpu.pb.gz"), kind: .cpu)
        #expect(profile.sampleTypes.map(\.name) == ["samples", "cpu"])
        #expect(profile.defaultSampleType == 1)
        #expect(profile.durationSeconds > 3 && profile.durationSeconds < 3.5)
        let text = String(decoding: try Self.fixture("go-cpu.top.txt"), as: UTF8.self)
        try Self.expectSameTop(profile, type: "cpu", order: .flat, pprof: text)
        let cum = String(decoding: try Self.fixture("go-cpu.top-cum.txt"), as: UTF8.self)
        try Self.expectSameTop(profile, type: "cpu", order: .cum, pprof: cum)
        let total = profile.total(type: 1)
        #expect(text.contains("Total samples = \(total)ns"))
    }

    @Test("a heap profile: in-use space by default; top by flat (in-use) and by cum (alloc) equal go tool pprof")
    func heapFixture() throws {
        let profile = try PprofDecoder.decode(try Self.fixture("go-heap.pb.gz"), kind: .heap)
        #expect(profile.sampleTypes.map(\.name) == ["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"])
        #expect(profile.sampleTypes[profile.defaultSampleType].name == "inuse_space")
        let inuse = String(decoding: try Self.fixture("go-heap.top.txt"), as: UTF8.self)
        try Self.expectSameTop(profile, type: "inuse_space", order: .flat, pprof: inuse)
        let alloc = String(decoding: try Self.fixture("go-heap.alloc-top-cum.txt"), as: UTF8.self)
        try Self.expectSameTop(profile, type: "alloc_space", order: .cum, pprof: alloc)
    }

    @Test("inlined calls become frames; functions merge by name; the default type is honoured")
    func synthetic() throws {
        let bytes = ProfileWriter.encode(
            types: [("alloc_space", "bytes"), ("inuse_space", "bytes")],
            samples: [
                (["main.encode+main.handle", "net/http.serve"], [100, 10]),
                (["main.encode+main.handle", "net/http.serve"], [50, 5]),
                (["main.handle", "net/http.serve"], [7, 7]),
            ], defaultType: "alloc_space")
        let p = try PprofDecoder.decode(bytes, kind: .heap)
        #expect(p.sampleTypes[p.defaultSampleType].name == "alloc_space")
        #expect(p.functions.map(\.name).sorted() == ["main.encode", "main.handle", "net/http.serve"])
        #expect(p.stackCount == 3)
        #expect(
            Array(p.stack(0)).map { p.functions[Int($0)].name } == ["main.encode", "main.handle", "net/http.serve"])
        let table = PprofTable.top(p, type: 0, order: .flat)
        let rows = table.rows.map { (p.functions[$0.function].name, $0.flat, $0.cum) }
        #expect(rows.map(\.0) == ["main.encode", "main.handle", "net/http.serve"])
        #expect(rows.map(\.1) == [150, 7, 0])
        #expect(rows.map(\.2) == [150, 157, 157])
        #expect(table.total == 157)
        #expect(p.functions.first { $0.name == "net/http.serve" }?.isStandardLibrary == true)
    }

    @Test("an HTML page, a gzip bomb, bad indexes and an empty answer are clear errors")
    func badAnswers() throws {
        func failure(_ bytes: [UInt8], max: Int = PprofDecoder.defaultMaxDecompressedBytes) -> String? {
            do throws(PprofFailure) {
                _ = try PprofDecoder.decode(bytes, kind: .cpu, maxDecompressedBytes: max)
                return nil
            } catch {
                return error.explanation(kind: .cpu, path: "/debug/pprof/profile")
            }
        }
        let html = failure(Array("<html><body>Sign in</body></html>".utf8))
        #expect(html?.contains("the answer is text, not a profile: \"<html><body>Sign in") == true, "\(html ?? "")")
        let bomb = ProfileWriter.gzip([UInt8](repeating: 0, count: 8 << 20))
        #expect(failure(bomb, max: 1 << 20)?.contains("larger than 1.0Mi once decompressed") == true)
        #expect(failure([])?.contains("no sample types") == true)
        var m = Svctop_Pprof_Profile()
        m.stringTable = ["", "cpu", "nanoseconds"]
        var t = Svctop_Pprof_ValueType()
        t.type = 1
        t.unit = 9
        m.sampleType = [t]
        #expect(failure(try m.serializedBytes())?.contains("names string 9, the table has 3") == true)
        t.unit = 2
        m.sampleType = [t]
        var s = Svctop_Pprof_Sample()
        s.locationID = [42]
        s.value = [1]
        m.sample = [s]
        #expect(failure(try m.serializedBytes())?.contains("sample 0 names location 42") == true)
    }

    @Test("truncated, mutated and garbage profiles never crash")
    func neverCrashes() throws {
        let gz = try Self.fixture("go-heap.pb.gz")
        var plain = ByteBuffer(bytes: gz)
        var inflated = try plain.decompress(with: .gzip())
        let bytes = inflated.readBytes(length: inflated.readableBytes)!
        var decoded = 0
        for end in stride(from: 0, to: bytes.count, by: 7) {
            if (try? PprofDecoder.decode(Array(bytes[0..<end]), kind: .heap)) != nil { decoded += 1 }
        }
        for end in stride(from: 0, to: gz.count, by: 5) {
            _ = try? PprofDecoder.decode(Array(gz[0..<end]), kind: .heap)
        }
        var random = SeededRandom.forFuzzing("pprof profile")
        for _ in 0..<400 {
            var m = bytes
            for _ in 0..<4 {
                m[Int.random(in: 0..<m.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            if let p = try? PprofDecoder.decode(m, kind: .heap) {
                // Whatever decodes is consistent: every frame names a function, every stack has its values.
                #expect(p.frames.allSatisfy { Int($0) < p.functions.count }, "\(random.label)")
                #expect(p.values.count == p.stackCount * p.sampleTypes.count, "\(random.label)")
                _ = PprofTable.top(p, type: p.defaultSampleType, order: .cum)
            }
        }
        let garbage = (0..<4096).map { _ in UInt8.random(in: 0...255, using: &random) }
        #expect((try? PprofDecoder.decode(garbage, kind: .cpu)) == nil, "\(random.label)")
        #expect(decoded < bytes.count / 7, "most truncations fail to decode")
    }
}
