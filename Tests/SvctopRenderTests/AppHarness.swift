import Foundation
import SvctopCore
import SvctopRender

/// The whole app without a terminal or a network, in the style of gitui's and ratatui's snapshot tests: a script
/// of engine batches, clock steps and keys drives `AppState`, pure effects are performed the way the runner
/// performs them (a dump fetch answers with the next canned dump, a regroup parses again), and every screen can
/// be read as text.
struct AppHarness {
    private(set) var state: AppState
    private(set) var now: Double
    let renderer = Renderer(theme: .dark, glyphs: .unicode)
    /// Dumps a fetch answers with, in order.
    var cannedDumps: [String] = []
    /// Profiles a profile fetch answers with, in order; with none left, the fetch waits (it stays unperformed).
    var cannedProfiles: [PprofProfile] = []
    /// Effects the harness does not perform (actions, saves), in order.
    private(set) var unperformed: [Effect] = []

    init(names: [String], width: Int = 120, height: Int = 40, start: Double = 1_700_000_000) {
        now = start
        state = AppState(
            targets: names.enumerated().map {
                Target(name: $0.element, baseURL: "http://127.0.0.1:\(9300 + $0.offset)")
            },
            now: start)
        send(.resized(width: width, height: height))
    }

    /// One engine batch: every instance answers with `exposition(id)`, passing probes and level info.
    mutating func scrape(_ exposition: (InstanceID) -> String) {
        for id in state.instances.indices {
            send(.scrapeCompleted(id, .success(MetricSet.parse(exposition(id)), duration: 0.002)))
            send(.probeCompleted(id, .liveness, ProbeResult(isPassing: true, status: 200, detail: "ok")))
            send(.probeCompleted(id, .readiness, ProbeResult(isPassing: true, status: 200, detail: "ok")))
            send(.logLevelRead(id, level: "info", error: nil))
        }
    }

    /// The fleet comes from a Prometheus-compatible server at `url` (its rows come with `.sourceRefreshed`).
    mutating func useSource(_ url: String) {
        state.source = SourceState(url: url)
    }

    /// The fleet is the pods of a Kubernetes selection (rows come with `.podsChanged`).
    mutating func useKubernetes(_ kubernetes: KubernetesState) {
        state.kubernetes = kubernetes
    }

    /// The clock moves `seconds` (one tick).
    mutating func advance(_ seconds: Double) {
        now += seconds
        send(.ticked)
    }

    /// Types `text`, a character at a time.
    mutating func type(_ text: String) {
        for c in text { press(.char(c)) }
    }

    mutating func press(_ key: Key) { send(.keyPressed(key)) }

    mutating func send(_ event: Event) {
        var pending = state.reduce(event, now: now)
        while !pending.isEmpty {
            let effect = pending.removeFirst()
            if let answer = perform(effect) { pending += state.reduce(answer, now: now) }
        }
    }

    /// The runner's answer to the effects the harness can perform without I/O.
    private mutating func perform(_ effect: Effect) -> Event? {
        switch effect {
        case .fetchDump(let id, let debugLevel):
            guard !cannedDumps.isEmpty else { return .dumpFailed(id, debugLevel: debugLevel, reason: "no canned dump") }
            let raw = Array(cannedDumps.removeFirst().utf8)
            return .dumpLoaded(
                id, debugLevel: debugLevel, raw: raw, dump: GoroutineDumpParser.parse(raw, mode: .loose), fetchedAt: now
            )
        case .fetchProfile(let id, _, _) where !cannedProfiles.isEmpty:
            return .profileLoaded(id, raw: [0x1f, 0x8b], profile: cannedProfiles.removeFirst(), fetchedAt: now)
        case .regroupDump(let id, let fetchedAt, let raw, let mode):
            return .dumpRegrouped(id, fetchedAt: fetchedAt, dump: GoroutineDumpParser.parse(raw, mode: mode))
        default:
            unperformed.append(effect)
            return nil
        }
    }

    /// The screen as text.
    var screen: String { renderer.render(state).text }
    var buffer: ScreenBuffer { renderer.render(state) }
}
