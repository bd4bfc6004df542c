import CompressNIO
import NIOCore
import SvctopCore
import SwiftProtobuf

/// Writes a `PprofProfile` the way Go serves one: gzip-compressed protobuf, one location per function, which
/// `go tool pprof` and `PprofDecoder` read. The demo fleet serves its profiles with it; the benchmark makes its
/// inputs with it.
public enum PprofEncoder {
    public static func encode(_ profile: PprofProfile, capturedAt: Double) -> [UInt8] {
        var strings = [""]
        var stringIndex: [String: Int64] = ["": 0]
        func index(_ s: String) -> Int64 {
            if let i = stringIndex[s] { return i }
            strings.append(s)
            stringIndex[s] = Int64(strings.count - 1)
            return Int64(strings.count - 1)
        }
        func valueType(_ name: String, _ unit: String) -> Svctop_Pprof_ValueType {
            var t = Svctop_Pprof_ValueType()
            t.type = index(name)
            t.unit = index(unit)
            return t
        }
        var m = Svctop_Pprof_Profile()
        m.sampleType = profile.sampleTypes.map { valueType($0.name, $0.unit) }
        m.function.reserveCapacity(profile.functions.count)
        m.location.reserveCapacity(profile.functions.count)
        for (i, f) in profile.functions.enumerated() {
            var function = Svctop_Pprof_Function()
            function.id = UInt64(i + 1)
            function.name = index(f.name)
            function.filename = index(f.file)
            m.function.append(function)
            var line = Svctop_Pprof_Line()
            line.functionID = UInt64(i + 1)
            var location = Svctop_Pprof_Location()
            location.id = UInt64(i + 1)
            location.line = [line]
            m.location.append(location)
        }
        let n = profile.sampleTypes.count
        m.sample.reserveCapacity(profile.stackCount)
        for s in 0..<profile.stackCount {
            var sample = Svctop_Pprof_Sample()
            sample.locationID = profile.stack(s).map { UInt64($0) + 1 }
            sample.value = Array(profile.values[s * n..<(s + 1) * n])
            m.sample.append(sample)
        }
        if profile.kind == .cpu {
            m.periodType = valueType("cpu", "nanoseconds")
            m.period = 10_000_000
        } else {
            m.periodType = valueType("space", "bytes")
            m.period = 512 * 1024
        }
        m.defaultSampleType = index(profile.sampleTypes[profile.defaultSampleType].name)
        m.durationNanos = Int64(profile.durationSeconds * 1e9)
        m.timeNanos = Int64(capturedAt * 1e9)
        m.stringTable = strings
        // Encoding a message built here cannot fail (no required fields, no unknown types).
        let bytes: [UInt8] = (try? m.serializedBytes()) ?? []
        var buffer = ByteBuffer(bytes: bytes)
        guard var out = try? buffer.compress(with: .gzip()) else { return bytes }
        return out.readBytes(length: out.readableBytes) ?? bytes
    }
}
