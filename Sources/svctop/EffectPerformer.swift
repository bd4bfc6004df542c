import Foundation
import SvctopCore
import SvctopNetwork
import SvctopPprof

/// Turns effects into `EffectWork`: the only place that knows how each effect is performed (HTTP, files, the
/// journal, parsing). Holds no state of its own.
struct EffectPerformer: Sendable {
    let configuration: RunConfiguration
    let client: ServiceClient
    let performer: ActionPerformer?
    let journal: Journal
    /// The source's poller, when the fleet comes from a Prometheus-compatible server.
    var poller: PrometheusPoller?

    /// The work for `effect`, or nil for what the loop does itself (quit, suspend, a bundle of its recording) and
    /// for what is done at once (journaling a refusal).
    func work(for effect: Effect, in state: AppState) -> EffectWork? {
        switch effect {
        case .quit, .suspend, .writeBundle, .startPolling, .stopPolling, .forwardPod, .stopForward:
            return nil
        case .fetchDump(let id, let debugLevel):
            let target = state.instances[id].target
            let timeout = max(30, configuration.actionTimeout)
            let maxBytes = configuration.dumpMaxBytes
            let client = client
            return EffectWork(
                deadline: timeout + 5,
                run: {
                    let fetchedAt = Date().timeIntervalSince1970
                    switch await client.goroutineDump(
                        target, debugLevel: debugLevel, timeout: timeout, maxBytes: maxBytes)
                    {
                    case .success(let raw):
                        if Task.isCancelled { return nil }
                        let dump = GoroutineDumpParser.parse(raw, mode: .loose)
                        return .dumpLoaded(id, debugLevel: debugLevel, raw: raw, dump: dump, fetchedAt: fetchedAt)
                    case .failure(let failure):
                        return .dumpFailed(id, debugLevel: debugLevel, reason: failure.description)
                    }
                }, timedOut: .dumpFailed(id, debugLevel: debugLevel, reason: "no dump within \(Int(timeout + 5))s"))
        case .regroupDump(let id, let fetchedAt, let raw, let mode):
            return EffectWork(
                deadline: 60,
                run: {
                    .dumpRegrouped(id, fetchedAt: fetchedAt, dump: GoroutineDumpParser.parse(raw, mode: mode))
                }, timedOut: nil)
        case .saveDump(let id, let debugLevel, let fetchedAt, let raw):
            let name = state.instances[id].name
            return save(report: Event.dumpSaved) { directory in
                try DumpFiles.save(
                    raw, instance: name, debugLevel: debugLevel, fetchedAt: fetchedAt, directory: directory)
            }
        case .fetchProfile(let id, let kind, let seconds):
            let target = state.instances[id].target
            // A CPU profile answers after `seconds`; the timeout counts from then.
            let timeout = Double(seconds) + max(30, configuration.actionTimeout)
            let maxBytes = Int(state.settings.maxProfileBytes)
            let client = client
            return EffectWork(
                deadline: timeout + 5,
                run: {
                    let fetchedAt = Date().timeIntervalSince1970
                    switch await client.profile(
                        target, kind: kind, seconds: seconds, timeout: timeout, maxBytes: maxBytes)
                    {
                    case .success(let raw):
                        if Task.isCancelled { return nil }
                        do throws(PprofFailure) {
                            let profile = try PprofDecoder.decode(raw, kind: kind)
                            return .profileLoaded(id, raw: raw, profile: profile, fetchedAt: fetchedAt)
                        } catch {
                            return .profileFailed(id, kind, error)
                        }
                    case .failure(let failure):
                        return .profileFailed(id, kind, .fetch(failure))
                    }
                }, timedOut: .profileFailed(id, kind, .fetch(.timeout)))
        case .saveProfile(let id, let kind, let fetchedAt, let raw):
            let name = state.instances[id].name
            return save(report: Event.profileSaved) { directory in
                try DumpFiles.saveProfile(raw, kind: kind, instance: name, fetchedAt: fetchedAt, directory: directory)
            }
        case .setLogLevel(let id, let level, _, let reason):
            return action(.setLogLevel(level), id: id, state: state, reason: reason)
        case .drain(let id, let override):
            return action(
                .drain, id: id, state: state, reason: override ? "guard rail overridden" : "manual"
            )
        case .undrain(let id):
            return action(.undrain, id: id, state: state, reason: "manual")
        case .loadSourceHistory(_, let key):
            guard let poller, let settled = state.source?.configuration else { return nil }
            return EffectWork(
                deadline: max(30, poller.client.timeout * 2),
                run: { await poller.instanceHistory(key, settled, now: Date().timeIntervalSince1970) },
                timedOut: .sourceFailed(
                    "the history of \(key) did not arrive within \(Int(max(30, poller.client.timeout * 2)))s"))
        case .loadSourceHandlers(_, let key):
            guard let poller, let settled = state.source?.configuration else { return nil }
            let deadline = max(10, poller.client.timeout * 2)
            return EffectWork(
                deadline: deadline,
                run: { await poller.handlers(key, settled, at: Date().timeIntervalSince1970) },
                timedOut: .sourceFailed("the latency by handler of \(key) did not arrive within \(Int(deadline))s"))
        case .recordRefusal(let id, let action, let refusal):
            let target = state.instances[id].target
            journal.append(
                journal.entry(
                    target: target, action: action, result: refusal.journalResult, response: refusal.description))
            return nil
        }
    }

    /// Writes a file under the dump directory off the loop and reports its path, or why it was not written.
    func save(
        report: @escaping @Sendable (_ path: String?, _ error: String?) -> Event,
        write: @escaping @Sendable (_ directory: String) throws -> String
    ) -> EffectWork {
        let directory = configuration.dumpDirectory
        return EffectWork(
            deadline: 30,
            run: {
                do {
                    return report(try write(directory), nil)
                } catch {
                    return report(nil, "\(directory): \(error.localizedDescription)")
                }
            }, timedOut: report(nil, "\(directory): not written within 30s"))
    }

    func action(_ kind: ActionKind, id: InstanceID, state: AppState, reason: String) -> EffectWork {
        let target = state.instances[id].target
        guard let performer else {
            return EffectWork(
                deadline: 1,
                run: { .actionCompleted(id, kind, .failed("read-only mode: nothing was sent")) },
                timedOut: nil)
        }
        // The request has its own timeout; the deadline only catches a journal write that hangs.
        return EffectWork(
            deadline: performer.timeout + 2,
            run: {
                .actionCompleted(id, kind, await performer.perform(kind, on: target, reason: reason))
            }, timedOut: .actionCompleted(id, kind, .failed("no answer within \(Int(performer.timeout + 2))s")))
    }
}
