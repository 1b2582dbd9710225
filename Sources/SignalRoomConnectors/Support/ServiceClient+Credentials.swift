import SignalRoomHTTP

extension ServiceClient {
    /// Sends a request to an API keyed by `keyVariable`; a 401 or 403 becomes a final
    /// error that names the variable to fix, since no retry will make the key valid.
    func send(_ request: HTTPRequest, keyedBy keyVariable: String) async throws -> HTTPResponse {
        do {
            return try await send(request)
        } catch HTTPError.status(_, _, let code, let excerpt) where code == 401 || code == 403 {
            throw ConnectorError.credentialsRefused(service: service, variable: keyVariable, status: code, detail: excerpt)
        }
    }
}
