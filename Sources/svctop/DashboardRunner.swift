import DequeModule
import Foundation
import SvctopCore
import SvctopKubernetes
import SvctopNetwork
import SvctopRecord
import SvctopRender
import SvctopTerminal

/// Inputs of the UI loop, in the order they happened.
enum LoopInput: Sendable {
    case terminal(TerminalInput)
    /// A batch from the source, the pod watch or a port-forward.
    case events([Event])
    /// The scrape engine left results in the mailbox.
    case scrapes
    /// An effect finished: its event, or nil when it has nothing to report.
    case effectFinished(Event?)
    case tick
    case frame
}

/// The interactive dashboard: wires the terminal, the scrape engine and the clock into one loop that owns the
/// state, and performs the effects the state asks for.
///
/// Contract: one stream of inputs; each is reduced into the state; effects run as child tasks of one task group,
/// at most `maxConcurrentEffects` at once (the rest wait in order), each within its own deadline; frames follow
/// `FrameScheduler`. On quit every effect still running is cancelled and the terminal is restored before
/// anything is awaited, so quitting never waits on a slow target; only restores the user asked for on the way
/// out are waited for, within the action timeout.
struct DashboardRunner {
    let configuration: RunConfiguration
    static let maxConcurrentEffects = 16
    /// How many steps nicer than the UI loop the network threads run (`ThreadNice`).
    static let networkNiceIncrement: Int32 = 10

    func run() async throws -> Int32 {
        let terminal = try TerminalScreen(colorMode: configuration.colorMode)
        defer { terminal.close() }
        let (inputs, sink) = AsyncStream.makeStream(of: LoopInput.self, bufferingPolicy: .unbounded)
        let reader = InputReader()
        try reader.start { sink.yield(.terminal($0)) }
        defer { reader.stop() }
        let renderer = makeRenderer(terminal)

        // The network threads give way to this loop when both want a core: keys are answered before scrapes.
        let transport = HTTPTransport(
            maxBodyBytes: configuration.transportCap, threadNice: ThreadNice(increment: Self.networkNiceIncrement))
        let client = ServiceClient(transport: transport, options: configuration.options)
        let journal = Journal(path: configuration.journalPath)
        let poller = configuration.makePoller(transport: transport)
        let performer = EffectPerformer(
            configuration: configuration, client: client,
            performer: configuration.settings.isReadOnly
                ? nil : ActionPerformer(client: client, journal: journal, timeout: configuration.actionTimeout),
            journal: journal, poller: poller)
        // Health is probed every interval for the instance on screen and those just acted on; the others every
        // probe interval while they pass.
        let focus = ProbeFocus()
        let engine = ScrapeEngine(
            client: client, settings: configuration.settings, timeout: configuration.timeout,
            maxBodyBytes: configuration.maxBodyBytes, focus: focus)

        var state = configuration.initialState(now: Date().timeIntervalSince1970)
        _ = state.reduce(.resized(width: terminal.width, height: terminal.height), now: state.now)
        let recorder = startRecorder(&state, nice: transport.threadNice)
        terminal.apply(renderer.render(state))

        let control = configuration.makeScrapeControl()
        let mailbox = ScrapeMailbox()
        let sources = startSources(
            engine: engine, control: control, poller: poller, mailbox: mailbox, sink: sink)
        await withTaskGroup(of: Void.self) { effects in
            var running = 0
            var waiting = Deque<EffectWork>()
            var frames = FrameScheduler()
            frames.interval = FrameScheduler.interval(
                forTargets: configuration.targets.count, scrapeInterval: configuration.settings.interval)
            loop: for await input in inputs {
                let now = Date().timeIntervalSince1970
                let trigger: FrameScheduler.Trigger
                var requested: [Effect] = []
                switch input {
                case .terminal(let terminalInput):
                    guard let (event, isUrgent) = Self.event(for: terminalInput, terminal: terminal) else { break loop }
                    requested = state.reduce(event, now: now)
                    trigger = isUrgent ? .urgent : .none
                case .events, .scrapes:
                    let events: [Event]
                    if case .events(let given) = input { events = given } else { events = mailbox.take() }
                    for event in events {
                        requested += state.reduce(event, now: now)
                        recorder?.record(event, time: now, state: state)
                    }
                    trigger = .data
                case .effectFinished(let event):
                    running -= 1
                    if let event {
                        requested = state.reduce(event, now: now)
                        recorder?.record(event, time: now, state: state)
                    }
                    trigger = .data
                case .tick:
                    requested = state.reduce(.ticked, now: now)
                    recorder?.record(.ticked, time: now, state: state)
                    if let problem = recorder?.tick(now: now, state: state) { state.setMessage(problem, .error) }
                    trigger = .tick
                    if case .instance(let id) = state.view { focus.watch(id, until: now + 2) }
                case .frame:
                    trigger = .frame
                }
                var forceDraw = false
                for effect in requested {
                    switch effect {
                    case .quit:
                        await Self.finishBeforeQuit(
                            requested.filter(\.outlivesQuit).compactMap { performer.work(for: $0, in: state) })
                        break loop
                    case .writeBundle(let since):
                        waiting.append(
                            Self.bundleWork(
                                recorder: recorder, since: since, journal: configuration.journalPath, now: now))
                    case .startPolling(let id, let target):
                        control?.add(id, target)
                    case .stopPolling(let id):
                        control?.remove(id)
                    case .forwardPod(let id, let forward):
                        configuration.kubernetes?.forwards?.start(id, forward) { sink.yield(.events([$1.event($0)])) }
                    case .stopForward(let id):
                        configuration.kubernetes?.forwards?.stop(id)
                    case .suspend:
                        terminal.suspend()
                        _ = state.reduce(.resized(width: terminal.width, height: terminal.height), now: now)
                        forceDraw = true
                    default:
                        if let id = effect.changesInstance {
                            focus.watch(id, until: now + configuration.settings.drainTimeout)
                        }
                        if let work = performer.work(for: effect, in: state) { waiting.append(work) }
                    }
                }
                while running < Self.maxConcurrentEffects, let work = waiting.popFirst() {
                    running += 1
                    effects.addTask { sink.yield(.effectFinished(await work.runWithDeadline())) }
                }
                switch frames.decide(forceDraw ? .urgent : trigger, now: now) {
                case .draw:
                    terminal.apply(renderer.render(state))
                case .schedule:
                    let delay = frames.interval
                    Task {
                        try? await Task.sleep(for: .seconds(delay))
                        sink.yield(.frame)
                    }
                case .wait:
                    break
                }
            }
            // Leave the screen first, so the shell is back at once whatever is still in flight.
            effects.cancelAll()
            sources.cancel()
            terminal.close()
            recorder?.close(now: Date().timeIntervalSince1970)
        }
        sink.finish()
        await sources.value
        await transport.shutdown()
        return 0
    }

    /// Writes the bundle off the loop, from the recording flushed up to now, into the working directory.
    static func bundleWork(recorder: RecorderThread?, since: Double, journal: String, now: Double) -> EffectWork {
        guard let recorder else {
            return EffectWork(
                deadline: 1, run: { .bundleWritten(path: nil, error: "this session is not recorded (--no-record)") },
                timedOut: nil)
        }
        recorder.handOver()
        let output = FileManager.default.currentDirectoryPath + "/svctop-incident-\(BundleMaker.stamp(now)).tar.gz"
        return EffectWork(
            deadline: 120,
            run: {
                let path = await recorder.flushed(now: now)
                do {
                    let recording = try Recording.read(path: path)
                    let written = try BundleMaker.write(
                        recording: recording, since: since, journalPath: journal, output: output, now: now)
                    return .bundleWritten(path: written, error: nil)
                } catch {
                    return .bundleWritten(path: nil, error: "\(error)")
                }
            }, timedOut: .bundleWritten(path: nil, error: "it took longer than 2 minutes"))
    }

    /// The session's recording, as configured, on its own thread at `nice`; when it cannot be written the
    /// dashboard runs without and says why.
    func startRecorder(_ state: inout AppState, nice: ThreadNice?) -> RecorderThread? {
        let path: String?
        switch configuration.recording {
        case .off: return nil
        case .flight: path = nil
        case .file(let file): path = file
        }
        let (recorder, problem) = FlightRecorder.start(configuration: configuration, path: path, now: state.now)
        if let problem { state.setMessage(problem, .error) }
        return recorder.map { RecorderThread(recorder: $0, nice: nice) }
    }

    func makeRenderer(_ terminal: TerminalScreen) -> Renderer {
        var theme = configuration.theme
        if terminal.colorCount == 0 {
            theme = .monochrome
        } else {
            theme = theme.degraded(toColors: terminal.colorCount)
        }
        let glyphs: Glyphs = terminal.isUTF8 && !configuration.forceASCII ? .unicode : .ascii
        return Renderer(theme: theme, glyphs: glyphs)
    }

    /// The scrape engine (through `mailbox`), the pod watches, the source's poller and the one-second clock, each
    /// feeding the loop (keys and signals come straight from the input reader's thread).
    func startSources(
        engine: ScrapeEngine, control: ScrapeControl?, poller: PrometheusPoller?,
        mailbox: ScrapeMailbox, sink: AsyncStream<LoopInput>.Continuation
    ) -> Task<Void, Never> {
        let targets = configuration.targets
        let kubernetes = configuration.kubernetes
        let podProxy = configuration.sourcePodProxy?.proxy
        return Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    await engine.run(targets: targets, control: control) {
                        if mailbox.put($0) { sink.yield(.scrapes) }
                    }
                }
                if let kubernetes {
                    for watcher in kubernetes.watchers {
                        group.addTask { await watcher.run { sink.yield(.events($0)) } }
                    }
                    group.addTask {
                        await kubernetes.proxy.supervise(
                            report: { sink.yield(.events([.kubernetesFailed($0)])) },
                            recovered: {})
                    }
                }
                if let poller {
                    group.addTask { await poller.run { sink.yield(.events($0)) } }
                }
                if let podProxy {
                    group.addTask {
                        await podProxy.supervise(report: { sink.yield(.events([.sourceFailed($0)])) }, recovered: {})
                    }
                }
                group.addTask {
                    // Start-up's pages of the binary are given back once the dashboard runs (`StartupPages`):
                    // about 14 MiB of a 37 MiB RSS at ten services.
                    try? await Task.sleep(for: StartupPages.delay)
                    if !Task.isCancelled { StartupPages.release() }
                }
                group.addTask {
                    // Free pages inside the allocator's arenas go back to the kernel once a minute (`HeapTrim`).
                    while !Task.isCancelled {
                        try? await Task.sleep(for: HeapTrim.interval)
                        if !Task.isCancelled { HeapTrim.trim() }
                    }
                }
                group.addTask {
                    // The clock: ages, staleness, timeouts and timed reverts move once a second.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        sink.yield(.tick)
                    }
                }
            }
        }
    }

    /// What the terminal's input means to the state (and whether the user waits for the screen), or nil when the
    /// terminal ends svctop: Ctrl-C as a signal, SIGTERM, SIGHUP, or the terminal closing (EOF or an error on it:
    /// the SSH session or the tmux server is gone, nobody is left to see it).
    static func event(for input: TerminalInput, terminal: TerminalScreen) -> (Event, Bool)? {
        switch input {
        case .key(let key):
            return (.keyPressed(key), true)
        case .resized:
            terminal.refreshSize()
            return (.resized(width: terminal.width, height: terminal.height), true)
        case .continued:
            terminal.invalidate()
            terminal.refreshSize()
            return (.resized(width: terminal.width, height: terminal.height), true)
        case .suspendRequested:
            return (.suspendRequested, false)
        case .interrupted, .terminated, .hangup, .inputClosed:
            return nil
        }
    }

    /// Runs the restores the user asked for on the way out, together, each within its deadline.
    static func finishBeforeQuit(_ works: [EffectWork]) async {
        guard !works.isEmpty else { return }
        await withTaskGroup(of: Void.self) { group in
            for work in works { group.addTask { _ = await work.runWithDeadline() } }
        }
    }
}
