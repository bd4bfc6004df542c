import Foundation
import SvctopCore

/// The start of every recording (JSON, after the magic line): what was watched and with which settings, so a
/// replay rebuilds the same dashboard. Holds no secret: addresses lose their credentials and queries, headers and
/// tokens are never written.
public struct RecordingHeader: Codable, Sendable, Equatable {
    /// The format's version; a reader refuses a newer one.
    public var format: Int
    public var svctopVersion: String
    /// When the recording started, seconds since the epoch.
    public var startedAt: Double
    public var host: String
    public var settings: Settings
    public var targets: [RecordedTarget]
    /// The Prometheus-compatible source, without credentials, and the profile its instances were read with.
    public var source: String?
    public var sourceProfile: Profile?
    /// The Kubernetes selection (context, namespace, selector), when the fleet was pods.
    public var kubernetes: KubernetesState?

    public static let currentFormat = 1

    public init(
        startedAt: Double, host: String, settings: Settings, targets: [Target], source: String? = nil,
        sourceProfile: Profile? = nil
    ) {
        format = Self.currentFormat
        svctopVersion = SvctopVersion.current
        self.startedAt = startedAt
        self.host = host
        self.settings = settings
        self.targets = targets.map(RecordedTarget.init)
        self.source = source.map(RecordedTarget.withoutSecrets)
        self.sourceProfile = sourceProfile
    }

    /// A recording file's first bytes: the magic line, the header's JSON length, the JSON, its CRC-32.
    public func fileStart() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = (try? encoder.encode(self)) ?? Data()
        var sink = ByteSink()
        sink.bytes = RecordingFormat.magic
        sink.fixed32(UInt32(json.count))
        sink.bytes.append(contentsOf: json)
        sink.fixed32(CRC32.checksum(json))
        return sink.bytes
    }

    /// The dashboard's state before the first recorded event, as the live run had it.
    public func initialState(keyMap: KeyMap = .standard) -> AppState {
        var state = AppState(
            targets: targets.map(\.target), settings: settings, keyMap: keyMap, now: startedAt)
        if let source {
            state.source = SourceState(url: source)
            state.sourceProfile = sourceProfile
        }
        if let kubernetes {
            state.kubernetes = kubernetes
            state.sourceProfile = sourceProfile
        }
        return state
    }
}
