extension Variable {
    /// Group normalisation (Wu & He 2018) of NCHW: statistics over (C/groups, H, W) per sample
    /// and group, then a per-channel affine γ, β (shape [C]). ε = 1e-5 as PyTorch.
    public func groupNorm(groups: Int, gamma: Variable, beta: Variable, epsilon: Float = 1e-5) throws(SegKitError) -> Variable {
        let x = value
        guard x.rank >= 2, groups >= 1, x.shape[1] % groups == 0 else {
            throw .shapeMismatch("groupNorm: \(x.shape) cannot be split into \(groups) channel groups")
        }
        let (n, c) = (x.shape[0], x.shape[1])
        guard gamma.shape == [c], beta.shape == [c] else { throw .shapeMismatch("groupNorm: γ and β must be [\(c)]") }
        let spatial = x.shape[2...].reduce(1, *)
        let cg = c / groups, m = cg * spatial
        var normalized = [Float](repeating: 0, count: x.count), inverse = [Float](repeating: 0, count: n * groups)
        var out = [Float](repeating: 0, count: x.count)
        let gm = gamma.value.data, bt = beta.value.data
        // One (sample, group) block per task: statistics in Double, element loops over pointers.
        x.data.withUnsafeBufferPointer { xp in
            normalized.withUnsafeMutableBufferPointer { np in
                out.withUnsafeMutableBufferPointer { op in
                    inverse.withUnsafeMutableBufferPointer { ip in
                        let X = SendableConstPointer(xp.baseAddress!), NZ = SendablePointer(np.baseAddress!)
                        let O = SendablePointer(op.baseAddress!), INV = SendablePointer(ip.baseAddress!)
                        Parallel.forEach(n * groups) { block in
                            let i = block / groups, g = block % groups
                            let base = (i * c + g * cg) * spatial
                            var sum = 0.0
                            for t in 0..<m { sum += Double(X[base + t]) }
                            let mean = sum / Double(m)
                            var sq = 0.0
                            for t in 0..<m {
                                let d = Double(X[base + t]) - mean
                                sq += d * d
                            }
                            let inv = Float(1 / (sq / Double(m) + Double(epsilon)).squareRoot())
                            INV[block] = inv
                            let meanF = Float(mean)
                            for ch in 0..<cg {
                                let channel = g * cg + ch, scale = gm[channel], shift = bt[channel]
                                let start = base + ch * spatial
                                for t in start..<(start + spatial) {
                                    let xh = (X[t] - meanF) * inv
                                    NZ[t] = xh
                                    O[t] = xh * scale + shift
                                }
                            }
                        }
                    }
                }
            }
        }
        let shape = x.shape
        let inverses = inverse
        return Variable(Tensor(unchecked: shape, out), inputs: [self, gamma, beta]) { grad in
            var dx = [Float](repeating: 0, count: shape.reduce(1, *))
            // Per-block partial γ/β gradients, summed in block order (thread-count independent).
            var partialGamma = [Float](repeating: 0, count: n * groups * cg), partialBeta = partialGamma
            grad.data.withUnsafeBufferPointer { gp in
                normalized.withUnsafeBufferPointer { np in
                    dx.withUnsafeMutableBufferPointer { dp in
                        partialGamma.withUnsafeMutableBufferPointer { pgp in
                            partialBeta.withUnsafeMutableBufferPointer { pbp in
                                let G = SendableConstPointer(gp.baseAddress!), NZ = SendableConstPointer(np.baseAddress!)
                                let D = SendablePointer(dp.baseAddress!), PG = SendablePointer(pgp.baseAddress!), PB = SendablePointer(pbp.baseAddress!)
                                Parallel.forEach(n * groups) { block in
                                    let g = block % groups, i = block / groups
                                    let base = (i * c + g * cg) * spatial
                                    // dx̂ = dy·γ; dx = inv/m · (m·dx̂ − Σdx̂ − x̂·Σ(dx̂·x̂))
                                    var sumD = 0.0, sumDX = 0.0
                                    for ch in 0..<cg {
                                        let scale = gm[g * cg + ch]
                                        let start = base + ch * spatial
                                        // Double sums: Σdx̂ is a small difference of many terms, and
                                        // its error would shift every input gradient of the group.
                                        var sg = 0.0, sb = 0.0
                                        for t in start..<(start + spatial) {
                                            let gy = Double(G[t])
                                            sg += gy * Double(NZ[t])
                                            sb += gy
                                        }
                                        PG[block * cg + ch] = Float(sg)
                                        PB[block * cg + ch] = Float(sb)
                                        sumD += sb * Double(scale)
                                        sumDX += sg * Double(scale)
                                    }
                                    let invM = inverses[block] / Float(m)
                                    let meanD = Float(sumD), meanDX = Float(sumDX)
                                    for ch in 0..<cg {
                                        let scale = gm[g * cg + ch]
                                        let start = base + ch * spatial
                                        for t in start..<(start + spatial) {
                                            D[t] = invM * (Float(m) * G[t] * scale - meanD - NZ[t] * meanDX)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            var dgamma = [Float](repeating: 0, count: c), dbeta = [Float](repeating: 0, count: c)
            for block in 0..<(n * groups) {
                let g = block % groups
                for ch in 0..<cg {
                    dgamma[g * cg + ch] += partialGamma[block * cg + ch]
                    dbeta[g * cg + ch] += partialBeta[block * cg + ch]
                }
            }
            return [Tensor(unchecked: shape, dx), Tensor(unchecked: [c], dgamma), Tensor(unchecked: [c], dbeta)]
        }
    }

    /// Layer normalisation over the last dimension (size D), affine γ, β of shape [D].
    public func layerNorm(gamma: Variable, beta: Variable, epsilon: Float = 1e-5) throws(SegKitError) -> Variable {
        guard let d = value.shape.last, d > 0, gamma.shape == [d], beta.shape == [d] else {
            throw .shapeMismatch("layerNorm: γ and β must match the last dimension of \(value.shape)")
        }
        // Treat each row as one sample with one group over d "channels" of spatial size 1.
        let rows = value.count / d
        let asChannels = try reshaped([rows, d, 1])
        return try asChannels.groupNorm(groups: 1, gamma: gamma, beta: beta, epsilon: epsilon).reshaped(value.shape)
    }

    /// Batch normalisation of NCHW (or [N, C]): in training, statistics over (N, H, W) per channel
    /// and the running averages are updated (momentum 0.1, unbiased variance, as PyTorch); in
    /// evaluation, the running statistics are used.
    public func batchNorm(gamma: Variable, beta: Variable, running: inout BatchNormStatistics, training: Bool,
                          momentum: Float = 0.1, epsilon: Float = 1e-5) throws(SegKitError) -> Variable {
        let x = value
        guard x.rank >= 2 else { throw .shapeMismatch("batchNorm: needs [N, C, …], got \(x.shape)") }
        let c = x.shape[1]
        guard gamma.shape == [c], beta.shape == [c], running.mean.count == c, running.variance.count == c else {
            throw .shapeMismatch("batchNorm: γ, β and running statistics must have \(c) entries")
        }
        let order = [1, 0] + Array(2..<x.rank)
        // Channels first: [C, N·spatial] rows, normalised with group norm over a single "sample".
        let channelsFirst = try permuted(order).reshaped([1, c, -1])
        if training {
            let count = channelsFirst.value.count / c
            for ch in 0..<c {
                let row = channelsFirst.value.data[(ch * count)..<((ch + 1) * count)]
                let mean = row.reduce(0.0) { $0 + Double($1) } / Double(count)
                let variance = row.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / Double(Swift.max(count - 1, 1))
                running.mean[ch] = (1 - momentum) * running.mean[ch] + momentum * Float(mean)
                running.variance[ch] = (1 - momentum) * running.variance[ch] + momentum * Float(variance)
            }
            let normalized = try channelsFirst.groupNorm(groups: c, gamma: gamma, beta: beta, epsilon: epsilon)
            var permutedShape = order.map { x.shape[$0] }
            permutedShape[0] = c
            var inverse = [Int](repeating: 0, count: order.count)
            for (i, o) in order.enumerated() { inverse[o] = i }
            return try normalized.reshaped(permutedShape).permuted(inverse)
        }
        let scale = (0..<c).map { gamma.value.data[$0] / (running.variance[$0] + epsilon).squareRoot() }
        let shift = (0..<c).map { beta.value.data[$0] - running.mean[$0] * scale[$0] }
        var broadcastShape = [Int](repeating: 1, count: x.rank)
        broadcastShape[1] = c
        return try self * Variable(Tensor(unchecked: broadcastShape, scale)) + Variable(Tensor(unchecked: broadcastShape, shift))
    }

    /// Dropout: in training, zeroes each element with probability p and scales the rest by
    /// 1/(1 − p), drawing from `generator` (seeded, so runs are reproducible).
    public func dropout(probability p: Float, training: Bool, generator: inout SeededGenerator) throws(SegKitError) -> Variable {
        guard p >= 0, p < 1 else { throw .invalidArgument("dropout probability must lie in [0, 1)") }
        guard training, p > 0 else { return self }
        let keep = Tensor(unchecked: value.shape, (0..<value.count).map { _ in generator.nextFloat() < p ? 0 : 1 / (1 - p) })
        return try self * Variable(keep)
    }
}

/// Running mean and variance of a batch-normalisation layer.
public struct BatchNormStatistics: Sendable, Equatable {
    public var mean: [Float]
    public var variance: [Float]
    public init(channels: Int) {
        mean = [Float](repeating: 0, count: channels)
        variance = [Float](repeating: 1, count: channels)
    }
}
