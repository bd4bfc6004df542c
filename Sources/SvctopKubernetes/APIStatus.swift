/// The API's `Status` object: what an error answer (and a watch's ERROR event) carries.
struct APIStatus: Decodable, Sendable {
    var code: Int?
    var reason: String?
    var message: String?
}
