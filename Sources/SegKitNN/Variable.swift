#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A node of the autodiff tape: a value, and — when it depends on trainable parameters — how to
/// send gradients back to its inputs.
///
/// Leaves are created with `Variable(tensor, requiresGradient:)`; every operation on variables
/// records a new node holding its inputs and a backward function (unless gradients are off: see
/// ``Autodiff/withoutGradients(_:)``, or no input requires one). ``backward()`` on a scalar
/// result walks the tape in reverse creation order and *adds* each parameter's gradient to
/// ``gradient`` (so gradients accumulate over several backward passes until
/// ``zeroGradient()``).
public final class Variable: @unchecked Sendable {
    public internal(set) var value: Tensor
    /// Accumulated gradient of the last backward passes (leaves that require gradients only).
    public var gradient: Tensor?
    public let requiresGradient: Bool
    let inputs: [Variable]
    /// Maps the gradient of this node to gradients of `inputs` (nil where no gradient flows).
    let backwardFunction: ((Tensor) -> [Tensor?])?
    let order: Int

    /// A leaf: a parameter when `requiresGradient`, else a constant input.
    public init(_ value: Tensor, requiresGradient: Bool = false) {
        self.value = value
        self.requiresGradient = requiresGradient
        inputs = []
        backwardFunction = nil
        order = Autodiff.nextOrder()
    }

    init(_ value: Tensor, inputs: [Variable], backward: @escaping (Tensor) -> [Tensor?]) {
        self.value = value
        let track = Autodiff.isRecording && inputs.contains { $0.requiresGradient }
        requiresGradient = track
        self.inputs = track ? inputs : []
        backwardFunction = track ? backward : nil
        order = Autodiff.nextOrder()
    }

    public var shape: [Int] { value.shape }

    /// The same value with no link to the tape (a stop-gradient, for targets).
    public func detached() -> Variable { Variable(value) }

    /// Clears the accumulated gradient.
    public func zeroGradient() { gradient = nil }

    /// Replaces the value of a leaf (optimisers update parameters in place).
    public func assign(_ newValue: Tensor) {
        precondition(inputs.isEmpty && newValue.shape == value.shape, "assign: leaves only, same shape")
        value = newValue
    }

    /// Back-propagates from this scalar (or, with `seed`, from any shape) to every parameter.
    /// - Precondition: a one-element value when no seed is given.
    public func backward(seed: Tensor? = nil) {
        precondition(seed != nil || value.count == 1, "backward() needs a scalar or an explicit seed gradient")
        guard requiresGradient else { return }
        // Collect the nodes that lead to parameters, then walk them newest first.
        var nodes: [Variable] = []
        var seen = Set<ObjectIdentifier>()
        var stack: [Variable] = [self]
        while let v = stack.popLast() {
            guard v.requiresGradient, seen.insert(ObjectIdentifier(v)).inserted else { continue }
            nodes.append(v)
            stack += v.inputs
        }
        nodes.sort { $0.order > $1.order }
        var gradients: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed ?? Tensor(unchecked: value.shape, [1])]
        for node in nodes {
            guard let g = gradients.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let backward = node.backwardFunction else {
                // A leaf parameter: accumulate.
                if let existing = node.gradient { node.gradient = Tensor(unchecked: g.shape, zip(existing.data, g.data).map(+)) } else {
                    node.gradient = g
                }
                continue
            }
            let parts = backward(g)
            for (input, part) in zip(node.inputs, parts) where input.requiresGradient {
                guard let part else { continue }
                let key = ObjectIdentifier(input)
                // Take the accumulated gradient out of the dictionary before adding, so the
                // addition happens in place instead of on a copy.
                if var existing = gradients.removeValue(forKey: key) {
                    existing.data.withUnsafeMutableBufferPointer { e in
                        part.data.withUnsafeBufferPointer { p in for i in 0..<e.count { e[i] += p[i] } }
                    }
                    gradients[key] = existing
                } else {
                    gradients[key] = part
                }
            }
        }
    }
}

/// Global switches of the autodiff engine.
public enum Autodiff {
    @TaskLocal static var recording = true
    nonisolated(unsafe) static var counter = 0
    static let lock = SpinLock()

    static var isRecording: Bool { recording }

    static func nextOrder() -> Int {
        lock.locked {
            counter += 1
            return counter
        }
    }

    /// Runs `body` without recording the tape (inference, evaluation, target computation).
    public static func withoutGradients<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        var result: Result<R, E>?
        $recording.withValue(false) {
            do throws(E) { result = .success(try body()) } catch { result = .failure(error) }
        }
        return try result!.get()
    }
}

/// A tiny lock for the node counter.
final class SpinLock: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    func locked<R>(_ body: () -> R) -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return body()
    }
}
