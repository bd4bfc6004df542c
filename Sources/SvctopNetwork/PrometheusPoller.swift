import Foundation
import SvctopCore

/// Feeds the loop from a Prometheus-compatible server: settles the scrape interval, loads the fleet's recent
/// history (so leaks and OOM estimates show from the first frame), then refreshes the whole fleet every
/// interval with two queries (one when the profile maps no latency metric), whatever its size.
public struct PrometheusPoller: Sendable {
    public let client: PrometheusClient
    public let queries: PromQueries
    public let settings: Settings

    public init(client: PrometheusClient, profile: Profile, settings: Settings) {
        self.client = client
        self.queries = PromQueries(source: client.source, profile: profile)
        self.settings = settings
    }

    /// When no interval can be measured (no series yet, or the server is down): Prometheus' default.
    static let fallbackScrapeInterval = 15.0

    /// Runs until cancelled, sending events in batches.
    public func run(send: @Sendable ([Event]) -> Void) async {
        var configuration: SourceConfiguration?
        while !Task.isCancelled, configuration == nil {
            let (settled, error) = await configure(now: Date().timeIntervalSince1970)
            if let settled {
                configuration = settled
            } else {
                send([.sourceFailed(error ?? "cannot reach \(client.source.url)")])
                try? await Task.sleep(for: .seconds(5))
            }
        }
        guard let configuration else { return }
        var batch: [Event] = [.sourceConfigured(configuration)]
        let now = Date().timeIntervalSince1970
        batch += await fleetHistory(configuration, now: now)
        batch += await refresh(configuration, at: Date().timeIntervalSince1970)
        send(batch)
        var next = now + configuration.refreshInterval
        while !Task.isCancelled {
            let wait = next - Date().timeIntervalSince1970
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            if Task.isCancelled { break }
            let start = Date().timeIntervalSince1970
            send(await refresh(configuration, at: start))
            next = max(next + configuration.refreshInterval, Date().timeIntervalSince1970)
        }
    }

    /// What `--once` needs: the settled configuration, the fleet's history (for trends, leaks and the OOM
    /// estimate) and one refresh; or the reason there is none.
    public func once(now: Double) async -> [Event] {
        let (settled, error) = await configure(now: now)
        guard let settled else { return [.sourceFailed(error ?? "cannot reach \(client.source.url)")] }
        return [.sourceConfigured(settled)] + (await fleetHistory(settled, now: now))
            + (await refresh(settled, at: Date().timeIntervalSince1970))
    }

    /// The scrape interval (given, or measured as the median spacing of one instance's `up` samples) and what
    /// follows from it. nil with the reason when the server cannot be asked.
    public func configure(now: Double) async -> (SourceConfiguration?, String?) {
        var interval = client.source.scrapeInterval
        if interval == nil {
            switch await client.query(queries.upQuery, at: now, name: "the instance list (\(queries.upQuery))") {
            case .failure(let error):
                return (nil, error.description)
            case .success(let answer):
                if let first = answer.series.first {
                    let matcher = first.labels.sorted { $0.key < $1.key }.map {
                        "\($0.key)=\(PromQueries.quoted($0.value))"
                    }.joined(separator: ",")
                    let query = "{\(matcher)}[5m]"
                    if case .success(let samples) = await client.query(query, at: now, name: "the scrape interval"),
                        let spacing = Self.medianSpacing(samples.series.first?.points ?? [])
                    {
                        interval = spacing
                    }
                }
            }
        }
        let scrape = interval ?? Self.fallbackScrapeInterval
        let configuration = SourceConfiguration(
            scrapeInterval: scrape, isAssumed: interval == nil,
            refreshInterval: client.source.refreshInterval(scrapeInterval: scrape),
            rateWindow: client.source.rateWindow(scrapeInterval: scrape, latencyWindow: settings.latencyWindow))
        return (configuration, nil)
    }

    static func medianSpacing(_ points: [TimeSeries.Point]) -> Double? {
        guard points.count >= 2 else { return nil }
        let gaps = zip(points.dropFirst(), points).map { $0.time - $1.time }.sorted()
        let median = gaps[gaps.count / 2]
        return median > 0 ? (median * 1000).rounded() / 1000 : nil
    }

    /// Every instance now: the scalar query and the latency query, together.
    public func refresh(_ configuration: SourceConfiguration, at time: Double) async -> [Event] {
        let started = Date().timeIntervalSince1970
        async let scalars = client.query(queries.scalars(), at: time, name: "the fleet query")
        let latencyQuery = queries.latency(window: configuration.rateWindow)
        async let latency: Result<PromAnswer, SourceError>? =
            latencyQuery == nil ? nil : client.query(latencyQuery!, at: time, name: "the latency query")
        let (s, l) = await (scalars, latency)
        guard case .success(let fleet) = s else {
            if case .failure(let error) = s { return [.sourceFailed(error.description)] }
            return []
        }
        var answers = [fleet]
        var failure: String?
        switch l {
        case .success(let answer): answers.append(answer)
        case .failure(let error): failure = error.description
        case nil: break
        }
        let refresh = SourceRefresh(
            time: time, samples: queries.samples(answers), warnings: answers.flatMap(\.warnings),
            duration: Date().timeIntervalSince1970 - started)
        if refresh.samples.isEmpty {
            failure = failure ?? "no series match \(queries.upQuery) on \(client.source.url): check the selector"
        }
        return [.sourceRefreshed(refresh)] + (failure.map { [.sourceFailed($0)] } ?? [])
    }

    /// The fleet's recent goroutines and memory, enough for the leak detector, the OOM estimate and the trend
    /// column: at most 150 points a series.
    public func fleetHistory(_ configuration: SourceConfiguration, now: Double) async -> [Event] {
        let span = max(settings.leakWindow, settings.memoryTrendWindow, 600)
        let step = max(configuration.scrapeInterval, (span / 150).rounded(.up))
        let query = queries.scalars(only: [.goroutines, .memory])
        switch await client.queryRange(
            query, start: now - span, end: now, step: step, name: "the fleet's history")
        {
        case .failure(let error): return [.sourceFailed(error.description)]
        case .success(let answer):
            return [
                .sourceHistoryLoaded(
                    SourceHistory(series: queries.history([answer]), isFull: false, warnings: answer.warnings))
            ]
        }
    }

    /// One instance's latency by handler now: one query, that instance's series alone.
    public func handlers(_ key: String, _ configuration: SourceConfiguration, at time: Double) async -> Event {
        guard
            let query = queries.latency(
                window: configuration.rateWindow, extra: queries.instanceMatcher(key), byHandler: true)
        else { return .sourceHandlersLoaded(SourceHandlers(key: key, time: time, handlers: [])) }
        switch await client.query(query, at: time, name: "the latency by handler of \(key)") {
        case .failure(let error): return .sourceFailed(error.description)
        case .success(let answer):
            return .sourceHandlersLoaded(
                SourceHandlers(key: key, time: time, handlers: queries.handlers([answer])[key] ?? []))
        }
    }

    /// One instance's whole history (`settings.history`), every chart: at most 1,800 points a series, well under
    /// the servers' 11,000.
    public func instanceHistory(_ key: String, _ configuration: SourceConfiguration, now: Double) async -> Event {
        let span = settings.history
        let step = max(configuration.scrapeInterval, (span / 1800).rounded(.up))
        let only = queries.instanceMatcher(key)
        async let scalars = client.queryRange(
            queries.scalars(extra: only), start: now - span, end: now, step: step, name: "the history of \(key)")
        let latencyQuery = queries.latency(window: configuration.rateWindow, extra: only)
        async let latency: Result<PromAnswer, SourceError>? =
            latencyQuery == nil
            ? nil
            : client.queryRange(
                latencyQuery!, start: now - span, end: now, step: step, name: "the latency history of \(key)")
        var answers: [PromAnswer] = []
        for result in [await scalars, await latency].compactMap({ $0 }) {
            switch result {
            case .success(let answer): answers.append(answer)
            case .failure(let error): return .sourceFailed(error.description)
            }
        }
        return .sourceHistoryLoaded(
            SourceHistory(series: queries.history(answers), isFull: true, warnings: answers.flatMap(\.warnings)))
    }
}
