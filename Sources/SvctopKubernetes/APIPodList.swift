/// A pod list (`GET /api/v1/.../pods`).
struct APIPodList: Decodable, Sendable {
    struct ListMeta: Decodable, Sendable {
        var resourceVersion: String?
    }
    var metadata: ListMeta?
    var items: [APIPod]
}
