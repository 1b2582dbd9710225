extension Source {
    /// The resources a run loads: those named, in the order named, or all of them when
    /// `names` is nil or empty. Throws `PipelineError.unknownResource` for a name the
    /// source does not have, listing the ones it has.
    public func resources(named names: [String]?) async throws -> [any Resource] {
        let all = try await resources()
        guard let names, !names.isEmpty else { return all }
        return try names.map { name in
            guard let resource = all.first(where: { $0.name == name }) else {
                throw PipelineError.unknownResource(source: self.name, name: name, known: all.map(\.name))
            }
            return resource
        }
    }
}
