import CompressNIO
import NIOCore
import SvctopCore
import SwiftProtobuf

/// Reads a profile as `net/http/pprof` serves it (gzip-compressed protobuf, or the bare protobuf) into a
/// `PprofProfile`. Every index is checked: a truncated, corrupt or hostile profile is an error, never a crash.
public enum PprofDecoder {
    /// The largest profile accepted once decompressed: a small gzip must not expand into gigabytes.
    public static let defaultMaxDecompressedBytes = 1 << 30

    public static func decode(
        _ bytes: [UInt8], kind: PprofKind, maxDecompressedBytes: Int = defaultMaxDecompressedBytes
    ) throws(PprofFailure) -> PprofProfile {
        let message = try parse(try inflate(bytes, max: maxDecompressedBytes))
        return try convert(message, kind: kind)
    }

    /// The protobuf bytes: gunzipped when they start with gzip's magic number.
    static func inflate(_ bytes: [UInt8], max: Int) throws(PprofFailure) -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == 0x1f, bytes[1] == 0x8b else {
            if let first = bytes.first, first == UInt8(ascii: "<") || first == UInt8(ascii: "{") {
                let excerpt = String(decoding: bytes.prefix(60), as: UTF8.self).split(separator: "\n").first ?? ""
                throw .decode("the answer is text, not a profile: \"\(excerpt)\"")
            }
            return bytes
        }
        var buffer = ByteBuffer(bytes: bytes)
        do {
            var out = try buffer.decompress(with: .gzip(), maxSize: max)
            return out.readBytes(length: out.readableBytes) ?? []
        } catch let error as CompressNIOError where error == .bufferOverflow {
            throw .decode("larger than \(ByteFormat.bytes(Double(max))) once decompressed")
        } catch {
            throw .decode("the gzip data is truncated or corrupt (\(error))")
        }
    }

    static func parse(_ bytes: [UInt8]) throws(PprofFailure) -> Svctop_Pprof_Profile {
        do {
            return try Svctop_Pprof_Profile(serializedBytes: bytes)
        } catch {
            throw .decode("invalid protobuf (\(error))")
        }
    }

    static func convert(_ m: Svctop_Pprof_Profile, kind: PprofKind) throws(PprofFailure) -> PprofProfile {
        let strings = m.stringTable
        func string(_ index: Int64, _ what: String) throws(PprofFailure) -> String {
            guard index >= 0, index < strings.count else {
                throw .decode("\(what) names string \(index), the table has \(strings.count)")
            }
            return strings[Int(index)]
        }
        guard !m.sampleType.isEmpty else { throw .decode("no sample types") }
        var types: [PprofSampleType] = []
        for t in m.sampleType {
            types.append(
                PprofSampleType(name: try string(t.type, "a sample type"), unit: try string(t.unit, "a sample type")))
        }
        var builder = PprofProfile.Builder(kind: kind, sampleTypes: types)
        var functions: [UInt64: Int32] = [:]
        functions.reserveCapacity(m.function.count)
        for f in m.function {
            let name = try string(f.name, "function \(f.id)")
            functions[f.id] = builder.function(
                name: name.isEmpty ? "(function \(f.id))" : name, file: try string(f.filename, "function \(f.id)"))
        }
        // A location is one or more frames (inlined calls, innermost first). Go numbers locations 1...n, so they are
        // looked up in an array by id; sparse ids fall back to a dictionary.
        let maxID = m.location.reduce(UInt64(0)) { max($0, $1.id) }
        let dense = maxID <= UInt64(4 * m.location.count + 16)
        var byID = [[Int32]?](repeating: nil, count: dense ? Int(maxID) + 1 : 0)
        var sparse: [UInt64: [Int32]] = [:]
        for l in m.location {
            var frames: [Int32] = []
            for line in l.line {
                guard let f = functions[line.functionID] else {
                    throw .decode("location \(l.id) calls function \(line.functionID), which is not in the profile")
                }
                frames.append(f)
            }
            if frames.isEmpty {
                // Not symbolized: one frame named by the location.
                frames.append(builder.function(name: "(location \(l.id))", file: ""))
            }
            if dense { byID[Int(l.id)] = frames } else { sparse[l.id] = frames }
        }
        builder.reserve(
            stacks: m.sample.count, frames: m.sample.reduce(0) { $0 + $1.locationID.count })
        var stack: [Int32] = []
        for i in m.sample.indices {
            let sample = m.sample[i]
            stack.removeAll(keepingCapacity: true)
            for id in sample.locationID {
                let frames = dense ? (id < UInt64(byID.count) ? byID[Int(id)] : nil) : sparse[id]
                guard let frames else {
                    throw .decode("sample \(i) names location \(id), which is not in the profile")
                }
                stack.append(contentsOf: frames)
            }
            guard sample.value.count == types.count else {
                throw .decode("sample \(i) has \(sample.value.count) values for \(types.count) sample types")
            }
            builder.append(stack: stack, values: sample.value)
        }
        let defaultType =
            m.defaultSampleType == 0
            ? nil
            : (try? string(m.defaultSampleType, "the default sample type")).flatMap { name in
                types.firstIndex { $0.name == name }
            }
        return builder.build(defaultSampleType: defaultType, durationSeconds: Double(m.durationNanos) / 1e9)
    }
}
