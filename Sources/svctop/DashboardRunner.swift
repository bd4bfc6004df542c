import Foundation
import SvctopCore
import SvctopNetwork
import SvctopRender
import SvctopTerminal

/// Everything the dashboard needs, decided before the terminal is touched.
struct RunConfiguration: Sendable {
    var targets: [Target]
    var settings: Settings
    var keyMap: KeyMap
    var theme: Theme
    var forceASCII: Bool
    var colorMode: ColorMode
    var options: TransportOptions
    var timeout: Double
    var maxBodyBytes: Int
    var dumpMaxBytes: Int = 256 << 20
    var actionTimeout: Double = 10
    var journalPath: String
    var dumpDirectory: String
}

/// Inputs of the UI loop, in the order they happened.
enum LoopInput: Sendable {
    case terminal(TerminalInput)
    case event(Event)
    /// A batch from the scrape engine.
    case events([Event])
    case tick
    case frame
}

/// Performs mutating actions: constructed only when svctop is not read-only, so in read-only mode the code
/// that sends drain or log-level requests cannot be reached.
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
        let entry: JournalEntry
        switch result {
        case .succeeded(let status, let body):
            entry = journal.entry(target: target, action: kind, result: "ok", status: status, response: String(body.prefix(200)),
                                  durationMs: ms, extra: ["reason": reason])
        case .rejected(let status, let body):
            entry = journal.entry(target: target, action: kind, result: "http_error", status: status, response: String(body.prefix(200)),
                                  durationMs: ms, extra: ["reason": reason])
        case .failed(let why):
            entry = journal.entry(target: target, action: kind, result: "failed", response: why, durationMs: ms, extra: ["reason": reason])
        }
        journal.append(entry)
        return result
    }
}

/// The interactive dashboard: one loop that owns the state and the terminal.
///
/// Events from the keyboard, signals, the scrape engine, timers and finished effects arrive on one stream; each
/// is reduced into the state; effects run as child tasks; frames are drawn at most every 50 ms (key presses draw
/// at once) and only changed cells reach the terminal.
struct DashboardRunner {
    let configuration: RunConfiguration

    func run() async throws -> Int32 {
        let terminal = try TerminalScreen(colorMode: configuration.colorMode)
        defer { terminal.close() }
        let reader = InputReader()
        try reader.start()
        defer { reader.stop() }

        var theme = configuration.theme
        if terminal.colorCount == 0 { theme = .monochrome } else { theme = theme.degraded(toColors: terminal.colorCount) }
        let glyphs: Glyphs = terminal.isUTF8 && !configuration.forceASCII ? .unicode : .ascii
        let renderer = Renderer(theme: theme, glyphs: glyphs)

        let transport = HTTPTransport(maxBodyBytes: configuration.maxBodyBytes)
        let client = ServiceClient(transport: transport, options: configuration.options)
        let journal = Journal(path: configuration.journalPath)
        let performer: ActionPerformer? = configuration.settings.isReadOnly
            ? nil : ActionPerformer(client: client, journal: journal, timeout: configuration.actionTimeout)
        let engine = ScrapeEngine(client: client, settings: configuration.settings, timeout: configuration.timeout,
                                  maxBodyBytes: configuration.maxBodyBytes)

        var state = AppState(targets: configuration.targets, settings: configuration.settings, keyMap: configuration.keyMap,
                             now: Date().timeIntervalSince1970)
        _ = state.reduce(.resized(width: terminal.width, height: terminal.height), now: state.now)
        terminal.apply(renderer.render(state))

        let (inputs, sink) = AsyncStream.makeStream(of: LoopInput.self, bufferingPolicy: .unbounded)
        let targets = configuration.targets
        let background = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await input in reader.inputs { sink.yield(.terminal(input)) }
                }
                group.addTask { await engine.run(targets: targets) { sink.yield(.events($0)) } }
                group.addTask {
                    // The clock: ages, staleness, timeouts and timed reverts move once a second.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        sink.yield(.tick)
                    }
                }
            }
        }
        var effectTasks: [Task<Void, Never>] = []

        var dirty = false
        var frameScheduled = false
        var lastFrame = 0.0
        loop: for await input in inputs {
            let now = Date().timeIntervalSince1970
            var effects: [Effect] = []
            var drawNow = false
            switch input {
            case .terminal(.key(let key)):
                effects = state.reduce(.keyPressed(key), now: now)
                drawNow = true
            case .terminal(.resized):
                terminal.refreshSize()
                effects = state.reduce(.resized(width: terminal.width, height: terminal.height), now: now)
                drawNow = true
            case .terminal(.interrupted), .terminal(.terminated), .terminal(.hangup), .terminal(.inputClosed):
                // The terminal closing (EOF or an error on it: the SSH session or the tmux server is gone) ends
                // svctop like a hangup: nobody is left to see it, and it must not scrape on forever.
                break loop
            case .terminal(.suspendRequested):
                effects = state.reduce(.suspendRequested, now: now)
            case .terminal(.continued):
                terminal.invalidate()
                terminal.refreshSize()
                effects = state.reduce(.resized(width: terminal.width, height: terminal.height), now: now)
                drawNow = true
            case .event(let event):
                effects = state.reduce(event, now: now)
                dirty = true
            case .events(let events):
                for event in events { effects += state.reduce(event, now: now) }
                dirty = true
            case .tick:
                effects = state.reduce(.ticked, now: now)
                dirty = true
            case .frame:
                break
            }
            for effect in effects {
                switch effect {
                case .quit:
                    // Let requested restores finish (bounded), then leave.
                    let deadline = Date().addingTimeInterval(configuration.actionTimeout + 1)
                    for task in effectTasks where Date() < deadline { await task.value }
                    break loop
                case .suspend:
                    terminal.suspend()
                    _ = state.reduce(.resized(width: terminal.width, height: terminal.height), now: now)
                    drawNow = true
                default:
                    if let task = perform(effect, state: state, client: client, performer: performer, journal: journal, sink: sink) {
                        effectTasks.append(task)
                    }
                }
            }
            // Data that arrives when no frame was drawn for 50 ms is drawn at once (the engine already batches it);
            // otherwise it waits for the next frame.
            let frameIsDue = input.isFrameOrTick || (!frameScheduled && now - lastFrame >= 0.05)
            if drawNow || (dirty && frameIsDue) {
                terminal.apply(renderer.render(state))
                dirty = false
                lastFrame = now
            } else if dirty && !frameScheduled {
                // Coalesce: changes that arrive within 50 ms are drawn together, at most 20 frames a second,
                // and an idle dashboard does not wake up at all.
                frameScheduled = true
                Task {
                    try? await Task.sleep(for: .milliseconds(50))
                    sink.yield(.frame)
                }
            }
            if case .frame = input { frameScheduled = false }
        }
        background.cancel()
        for task in effectTasks { task.cancel() }
        // Leave the screen first so that the shell is back at once, then let the client close its connections.
        terminal.close()
        await background.value
        await transport.shutdown()
        return 0
    }

    /// Starts an effect as a child task; its outcome comes back as an event.
    func perform(_ effect: Effect, state: AppState, client: ServiceClient, performer: ActionPerformer?, journal: Journal,
                 sink: AsyncStream<LoopInput>.Continuation) -> Task<Void, Never>? {
        switch effect {
        case .quit, .suspend:
            return nil
        case .fetchDump(let id, let debugLevel):
            let target = state.instances[id].target
            let timeout = max(30, configuration.actionTimeout)
            let maxBytes = configuration.dumpMaxBytes
            return Task {
                let fetchedAt = Date().timeIntervalSince1970
                switch await client.goroutineDump(target, debugLevel: debugLevel, timeout: timeout, maxBytes: maxBytes) {
                case .success(let raw):
                    let dump = await Task.detached(priority: .userInitiated) { GoroutineDumpParser.parse(raw, mode: .loose) }.value
                    sink.yield(.event(.dumpLoaded(id, debugLevel: debugLevel, raw: raw, dump: dump, fetchedAt: fetchedAt)))
                case .failure(let failure):
                    sink.yield(.event(.dumpFailed(id, debugLevel: debugLevel, reason: failure.description)))
                }
            }
        case .regroupDump(let id, let fetchedAt, let raw, let mode):
            return Task {
                let dump = await Task.detached(priority: .userInitiated) { GoroutineDumpParser.parse(raw, mode: mode) }.value
                sink.yield(.event(.dumpRegrouped(id, fetchedAt: fetchedAt, dump: dump)))
            }
        case .saveDump(let id, let debugLevel, let fetchedAt, let raw):
            let name = state.instances[id].name
            let directory = configuration.dumpDirectory
            return Task {
                do {
                    let path = try DumpFiles.save(raw, instance: name, debugLevel: debugLevel, fetchedAt: fetchedAt, directory: directory)
                    sink.yield(.event(.dumpSaved(path: path, error: nil)))
                } catch {
                    sink.yield(.event(.dumpSaved(path: nil, error: "\(directory): \(error.localizedDescription)")))
                }
            }
        case .setLogLevel(let id, let level, _, let reason):
            return runAction(.setLogLevel(level), id: id, state: state, performer: performer, reason: reason, sink: sink)
        case .drain(let id, let override):
            return runAction(.drain, id: id, state: state, performer: performer, reason: override ? "guard rail overridden" : "manual", sink: sink)
        case .undrain(let id):
            return runAction(.undrain, id: id, state: state, performer: performer, reason: "manual", sink: sink)
        case .recordRefusal(let id, let action, let refusal):
            let target = state.instances[id].target
            journal.append(journal.entry(target: target, action: action, result: refusal.journalResult, response: refusal.description))
            return nil
        }
    }

    func runAction(_ kind: ActionKind, id: InstanceID, state: AppState, performer: ActionPerformer?, reason: String,
                   sink: AsyncStream<LoopInput>.Continuation) -> Task<Void, Never>? {
        guard let performer else {
            sink.yield(.event(.actionCompleted(id, kind, .failed("read-only mode: nothing was sent"))))
            return nil
        }
        let target = state.instances[id].target
        return Task {
            let result = await performer.perform(kind, on: target, reason: reason)
            sink.yield(.event(.actionCompleted(id, kind, result)))
        }
    }
}

extension LoopInput {
    var isFrameOrTick: Bool {
        switch self {
        case .frame, .tick: return true
        default: return false
        }
    }
}

