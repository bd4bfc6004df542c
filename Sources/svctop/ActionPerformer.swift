import Foundation
import SvctopCore
import SvctopNetwork

/// Performs mutating actions: constructed only when svctop is not read-only, so in read-only mode the code
/// that sends drain or log-level requests cannot be reached. Every request, whatever its outcome, is journaled.
struct ActionPerformer: Sendable {
    let client: ServiceClient
    let journal: Journal
    let timeout: Double

    func perform(_ kind: ActionKind, on target: Target, reason: String) async -> ActionResult {
        let start = Date()
        let result: ActionResult
        switch kind {
        case .setLogLevel(let level): result = await client.setLogLevel(target, level: level, timeout: timeout)
        case .drain: result = await client.drain(target, timeout: timeout)
        case .undrain: result = await client.undrain(target, timeout: timeout)
        }
        let ms = Int(Date().timeIntervalSince(start) * 1000)
        let extra = ["reason": reason]
        let entry: JournalEntry
        switch result {
        case .succeeded(let status, let body):
            entry = journal.entry(
                target: target, action: kind, result: "ok", status: status, response: String(body.prefix(200)),
                durationMs: ms, extra: extra)
        case .rejected(let status, let body):
            entry = journal.entry(
                target: target, action: kind, result: "http_error", status: status, response: String(body.prefix(200)),
                durationMs: ms, extra: extra)
        case .failed(let why):
            // Cancelled: svctop quit while the request was out; it may or may not have reached the service.
            let response = Task.isCancelled ? "no answer before svctop quit (the request was sent)" : why
            entry = journal.entry(
                target: target, action: kind, result: "failed", response: response, durationMs: ms, extra: extra)
        }
        journal.append(entry)
        return result
    }
}
