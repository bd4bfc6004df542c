/// What a pod watch saw: the whole set one selection matches (a list, or a re-list after the watch expired), or
/// one pod that appeared or changed, or one that was deleted. `scope` names the selection (several can be
/// watched at once: `deploy/api sts/db`), so a list only retires the pods of its own selection.
public enum PodChange: Sendable, Equatable, Codable {
    case listed([Pod], scope: String)
    case updated(Pod, scope: String)
    case deleted(Pod, scope: String)
}
