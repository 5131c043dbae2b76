extension Variable {
    /// Max pooling of NCHW with a square `kernel` and stride equal to the kernel (floor mode).
    public func maxPool2d(kernel: Int) throws(SegKitError) -> Variable {
        try pool(kernel: kernel, average: false)
    }

    /// Average pooling of NCHW with a square `kernel` and stride equal to the kernel.
    public func averagePool2d(kernel: Int) throws(SegKitError) -> Variable {
        try pool(kernel: kernel, average: true)
    }

    private func pool(kernel k: Int, average: Bool) throws(SegKitError) -> Variable {
        let x = value
        guard x.rank == 4, k >= 1, x.shape[2] >= k, x.shape[3] >= k else {
            throw .shapeMismatch("pool2d: needs NCHW of at least \(k)×\(k), got \(x.shape)")
        }
        let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let ho = h / k, wo = w / k
        var out = [Float](repeating: 0, count: n * c * ho * wo), arg = [Int](repeating: 0, count: average ? 0 : out.count)
        for p in 0..<(n * c) {
            for oy in 0..<ho {
                for ox in 0..<wo {
                    var best = -Float.infinity, bestIndex = 0, sum: Float = 0
                    for a in 0..<k {
                        for b in 0..<k {
                            let idx = (p * h + oy * k + a) * w + ox * k + b
                            let v = x.data[idx]
                            sum += v
                            if v > best { best = v; bestIndex = idx }
                        }
                    }
                    let o = (p * ho + oy) * wo + ox
                    if average { out[o] = sum / Float(k * k) } else {
                        out[o] = best
                        arg[o] = bestIndex
                    }
                }
            }
        }
        let shape = x.shape
        return Variable(Tensor(unchecked: [n, c, ho, wo], out), inputs: [self]) { g in
            var dx = [Float](repeating: 0, count: shape.reduce(1, *))
            if average {
                for p in 0..<(n * c) { for oy in 0..<ho { for ox in 0..<wo {
                    let v = g.data[(p * ho + oy) * wo + ox] / Float(k * k)
                    for a in 0..<k { for b in 0..<k { dx[(p * h + oy * k + a) * w + ox * k + b] += v } }
                } } }
            } else {
                for (o, idx) in arg.enumerated() { dx[idx] += g.data[o] }
            }
            return [Tensor(unchecked: shape, dx)]
        }
    }
}
