import Foundation
import SvctopCore
import SvctopKubernetes
import SvctopNetwork

/// `svctop --once`: scrape every target long enough to compute rates and quantiles, print one snapshot, exit.
struct OnceRunner {
    let configuration: RunConfiguration
    let window: Double
    let format: OutputFormat

    /// Returns the exit status: 0 when at least one target answered, 1 when none did.
    func run() async -> Int32 {
        let transport = HTTPTransport(maxBodyBytes: configuration.transportCap)
        let client = ServiceClient(transport: transport, options: configuration.options)
        let engine = ScrapeEngine(
            client: client, settings: configuration.settings, timeout: configuration.timeout,
            maxBodyBytes: configuration.maxBodyBytes)
        let collector = Collector(state: configuration.initialState(now: Date().timeIntervalSince1970))
        if let poller = configuration.makePoller(transport: transport) {
            // A source answers rates and quantiles over its own window: one refresh is the snapshot.
            let events = await poller.once(now: Date().timeIntervalSince1970)
            await collector.reduce(events)
            for case .sourceFailed(let error) in events { Output.error("svctop: \(error)") }
        }
        let control = configuration.makeScrapeControl()
        var watchers: [Task<Void, Never>] = []
        // Pod events are reduced in the order the watchers saw them (a list before the changes after it).
        let (podBatches, podSink) = AsyncStream.makeStream(of: [Event].self, bufferingPolicy: .unbounded)
        let forwards = configuration.kubernetes?.forwards
        let podConsumer = Task {
            for await batch in podBatches {
                await collector.reduce(batch, control, forwards: forwards) { podSink.yield([$1.event($0)]) }
            }
        }
        if let kubernetes = configuration.kubernetes {
            // Pods: the first list of every selection, then their scrapes like any target's.
            for watcher in kubernetes.watchers {
                watchers.append(Task { await watcher.run { podSink.yield($0) } })
            }
            let listDeadline = Date().addingTimeInterval(30)
            while Date() < listDeadline, await !collector.isListed(kubernetes.watchers.count) {
                try? await Task.sleep(for: .milliseconds(50))
            }
            for case .kubernetesFailed(let error) in await collector.failures { Output.error("svctop: \(error)") }
        }
        let targets = configuration.targets
        let scrapesWanted = max(2, Int((window / configuration.settings.interval).rounded(.up)) + 1)
        let deadline = Date().addingTimeInterval(window + configuration.timeout + 2)
        let (batches, sink) = AsyncStream.makeStream(of: [Event].self, bufferingPolicy: .unbounded)
        let consumer = Task { for await batch in batches { await collector.reduce(batch) } }
        let task = Task { await engine.run(targets: targets, control: control) { sink.yield($0) } }
        while Date() < deadline {
            if await collector.isComplete(scrapes: scrapesWanted) { break }
            try? await Task.sleep(for: .milliseconds(50))
        }
        task.cancel()
        await task.value
        for watcher in watchers { watcher.cancel() }
        podSink.finish()
        await podConsumer.value
        sink.finish()
        await consumer.value
        await transport.shutdown()
        let state = await collector.state
        if let problem = state.kubernetes?.error { Output.error("svctop: \(problem)") }
        Output.out(SnapshotOutput.render(state, format: format))
        return state.instances.contains { $0.status.isUp } ? 0 : 1
    }

    actor Collector {
        var state: AppState
        var scrapes: [InstanceID: Int] = [:]
        var levelReads: Set<InstanceID> = []
        var probes: [InstanceID: Int] = [:]

        init(state: AppState) { self.state = state }

        var listedScopes: Set<String> = []
        var failures: [Event] = []

        func reduce(_ batch: [Event]) {
            for event in batch { _ = reduce(event) }
        }

        /// Pod events: the rows they make start polling on `control` (through `forwards`' port-forwards, whose
        /// outcomes go to `forwarded`).
        func reduce(
            _ batch: [Event], _ control: ScrapeControl?, forwards: PortForwards?,
            forwarded: @escaping @Sendable (InstanceID, PortForwards.Outcome) -> Void
        ) {
            for event in batch {
                for effect in reduce(event) {
                    switch effect {
                    case .startPolling(let id, let target): control?.add(id, target)
                    case .stopPolling(let id): control?.remove(id)
                    case .forwardPod(let id, let forward): forwards?.start(id, forward, report: forwarded)
                    case .stopForward(let id): forwards?.stop(id)
                    default: break
                    }
                }
            }
        }

        func isListed(_ selections: Int) -> Bool { listedScopes.count >= selections || failures.count >= selections }

        func reduce(_ event: Event) -> [Effect] {
            switch event {
            case .podsChanged(.listed(_, let scope)): listedScopes.insert(scope)
            case .kubernetesFailed: failures.append(event)
            case .scrapeCompleted(let id, _): scrapes[id, default: 0] += 1
            case .logLevelRead(let id, _, _): levelReads.insert(id)
            case .probeCompleted(let id, _, _): probes[id, default: 0] += 1
            default: break
            }
            return state.reduce(event, now: Date().timeIntervalSince1970)
        }

        /// True when every target was scraped `scrapes` times (or is failing) and, when up, its level was read.
        func isComplete(scrapes wanted: Int) -> Bool {
            state.instances.allSatisfy { i in
                // A pod that is not running (or has no port) is not scraped: it is as complete as it gets.
                if let pod = i.pod, !pod.isScrapable || i.podGoneAt != nil { return true }
                let n = scrapes[i.id] ?? 0
                if case .down = i.status { return n >= 1 && (probes[i.id] ?? 0) >= 2 }
                return n >= wanted && levelReads.contains(i.id) && (probes[i.id] ?? 0) >= 2 * wanted
            }
        }
    }
}
