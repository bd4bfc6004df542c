/// Drain and undrain: the guard rail, the confirmation, and the progress svctop follows after a drain is
/// accepted (accepted → readiness failing → in-flight falling → drained, or timed out).
extension AppState {
    /// Instances that are ready and not draining.
    public var readyInstances: [InstanceID] {
        instances.indices.filter {
            instances[$0].health.isReady == true && !instances[$0].health.isDraining && instances[$0].status.isUp
        }
    }

    /// Why draining these instances must be refused without an override, or nil when it is safe.
    public func drainGuard(_ ids: [InstanceID]) -> String? {
        let ready = Set(readyInstances)
        let after = ready.subtracting(ids)
        if !ready.isEmpty && after.isEmpty {
            return "it would leave no ready instance in the fleet"
        }
        let total = instances.count
        guard total > 0 else { return nil }
        let notServing = total - after.count
        let share = Double(notServing) / Double(total)
        if share > settings.maxDrainShare {
            return
                "it would leave \(after.count) of \(total) instances ready (more than \(ByteFormat.percent(settings.maxDrainShare)) out of service)"
        }
        return nil
    }

    mutating func askToDrain() {
        guard !settings.isReadOnly, let id = focusedInstance else { return }
        dialog = Dialog(kind: .drain([id]), guardRefusal: drainGuard([id]))
    }

    mutating func askToUndrain() {
        guard !settings.isReadOnly, let id = focusedInstance else { return }
        dialog = Dialog(kind: .undrain([id]))
    }

    /// The drain dialog's answer. Through a guard rail the first answer must be the override key; anything
    /// else refuses.
    mutating func answerDrain(_ ids: [InstanceID], _ d: Dialog, _ action: Action?) -> [Effect] {
        if d.needsOverride {
            if action == .overrideGuard {
                var overridden = d
                overridden.isOverridden = true
                dialog = overridden
                return []
            }
            return ids.map { .recordRefusal($0, action: .drain, refusal: .guardRail(d.guardRefusal!)) }
        }
        guard action == .confirm else { return ids.map { .recordRefusal($0, action: .drain, refusal: .cancelled) } }
        for id in ids {
            instances[id].drain = DrainProgress(
                phase: .requested, startedAt: now, updatedAt: now, inflightAtStart: instances[id].reading?.inflight,
                message: "drain requested")
            pendingActions[id] = (.drain, now)
        }
        return ids.map { .drain($0, override: d.isOverridden) }
    }

    mutating func answerUndrain(_ ids: [InstanceID], _ action: Action?) -> [Effect] {
        guard action == .confirm else { return ids.map { .recordRefusal($0, action: .undrain, refusal: .cancelled) } }
        for id in ids { pendingActions[id] = (.undrain, now) }
        return ids.map { .undrain($0) }
    }

    /// A readiness answer: a failing probe that mentions draining marks the instance draining; a passing one
    /// clears it unless svctop's own drain is under way.
    mutating func readinessProbed(_ id: InstanceID, _ result: ProbeResult) {
        if !result.isPassing {
            // Only a failing answer's text is read: a passing probe, the common case, costs no string work.
            if result.detail.lowercased().contains("drain") { instances[id].health.isDraining = true }
        } else if instances[id].drain == nil || instances[id].drain?.phase == .failed {
            instances[id].health.isDraining = (instances[id].reading?.drainingGauge ?? 0) > 0
        }
    }

    mutating func drainCompleted(_ id: InstanceID, _ result: ActionResult) {
        let who = instances[id].name
        if result.isSuccess {
            instances[id].drain?.phase = .accepted
            instances[id].drain?.updatedAt = now
            instances[id].drain?.message = "drain accepted"
            instances[id].health.isDraining = true
            setMessage("\(who): drain accepted (\(result.summary))", .success)
            updateDrainProgress(id)
        } else {
            instances[id].drain?.phase = .failed
            instances[id].drain?.message = result.summary
            setMessage("\(who): drain failed: \(result.summary)", .error)
        }
    }

    mutating func undrainCompleted(_ id: InstanceID, _ result: ActionResult) {
        let who = instances[id].name
        if result.isSuccess {
            instances[id].drain = nil
            instances[id].health.isDraining = false
            setMessage("\(who): undrain accepted (\(result.summary))", .success)
        } else {
            setMessage("\(who): undrain failed: \(result.summary)", .error)
        }
    }

    /// Moves a drain along what svctop can observe: readiness, then the in-flight gauge; times it out.
    mutating func updateDrainProgress(_ id: InstanceID) {
        guard var progress = instances[id].drain, !progress.isFinished, progress.phase != .requested else { return }
        let instance = instances[id]
        let inflight = instance.reading?.inflight
        if progress.phase == .accepted, instance.health.isReady == false {
            progress.phase = .readinessFailing
            progress.updatedAt = now
        }
        if progress.phase == .readinessFailing || progress.phase == .inflightFalling {
            if let inflight {
                if inflight <= 0 {
                    progress.phase = .drained
                    progress.updatedAt = now
                } else if let start = progress.inflightAtStart, inflight < start, progress.phase != .inflightFalling {
                    progress.phase = .inflightFalling
                    progress.updatedAt = now
                }
            } else if instance.health.isReady == false {
                // No in-flight gauge: readiness failing is as far as svctop can observe.
                progress.phase = .drained
                progress.updatedAt = now
            }
        }
        if !progress.isFinished && now - progress.startedAt > settings.drainTimeout {
            progress.phase = .timedOut
            progress.message = "drain did not complete within \(Int(settings.drainTimeout))s"
            progress.updatedAt = now
            setMessage("\(instance.name): \(progress.message)", .error)
        }
        instances[id].drain = progress
    }
}
