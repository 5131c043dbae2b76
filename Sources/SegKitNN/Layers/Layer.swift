/// Something with named trainable parameters.
public protocol Layer {
    /// Parameters with stable, dotted names (the keys of saved weights).
    var namedParameters: [(String, Variable)] { get }
}

extension Layer {
    public var parameters: [Variable] { namedParameters.map(\.1) }
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Clears every parameter's gradient.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }

    /// Parameter values by name (what ``SafeTensors`` stores).
    public var stateDictionary: [String: Tensor] {
        Dictionary(uniqueKeysWithValues: namedParameters.map { ($0.0, $0.1.value) })
    }

    /// Loads values by name.
    /// - Throws: `SegKitError` naming every missing or unexpected parameter and shape mismatch.
    public func load(_ state: [String: Tensor]) throws(SegKitError) {
        var problems: [String] = []
        let names = Set(namedParameters.map(\.0))
        for (name, p) in namedParameters {
            guard let t = state[name] else { problems.append("missing \(name)"); continue }
            if t.shape != p.shape { problems.append("\(name) has shape \(t.shape), expected \(p.shape)") }
        }
        for name in state.keys.sorted() where !names.contains(name) && !name.hasPrefix("optimizer.") { problems.append("unexpected \(name)") }
        guard problems.isEmpty else {
            throw .shapeMismatch("weights do not fit the model: " + problems.prefix(5).joined(separator: "; ")
                + (problems.count > 5 ? "; … (\(problems.count) problems)" : ""))
        }
        for (name, p) in namedParameters { p.assign(state[name]!) }
    }
}

func prefixed(_ prefix: String, _ layer: some Layer) -> [(String, Variable)] {
    layer.namedParameters.map { ("\(prefix).\($0.0)", $0.1) }
}
