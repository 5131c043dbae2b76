/// Views of dense feature maps as colour images.
public enum FeatureVisualization {
    /// Projects a D-channel feature map on its top three principal components and maps them to
    /// RGB — the view of Fig. 2(a) of the bottom-up paper.
    ///
    /// Each component is scaled so that its 1st–99th percentile range spans [0, 1] (values beyond
    /// are clipped), which keeps a few outliers from washing out the picture. Eigenvector signs are
    /// fixed (largest-magnitude entry positive) so the colours are deterministic. Maps with fewer
    /// than three channels leave the missing components at 0.5.
    /// - Returns: an RGB image of the same size.
    /// - Throws: `SegKitError` when the eigen-decomposition fails or features are not finite.
    /// - Complexity: O(pixels · D²) for the covariance plus O(D³).
    public static func principalComponents(_ features: Image<Float>) throws(SegKitError) -> Image<Float> {
        let matrix = FeatureMatrix(image: features)
        try matrix.requireFinite()
        let n = matrix.count, d = matrix.dimension
        var mean = [Float](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += matrix.values[i * d + j] } }
        mean = mean.map { $0 / Float(n) }
        var centred = matrix.values
        for i in 0..<n { for j in 0..<d { centred[i * d + j] -= mean[j] } }
        let covariance = LinearAlgebra.matmul(centred, centred, m: d, n: d, k: n, transposeA: true)
        let components = min(3, d)
        let (_, vectors) = try LinearAlgebra.symmetricEigen(covariance, n: d, indices: (d - components)...(d - 1))
        var out = Image<Float>(width: features.width, height: features.height, channels: 3, repeating: 0.5)
        for k in 0..<components {
            // Largest eigenvalue last: component k takes eigenvector (components - 1 - k).
            var v = Array(vectors[((components - 1 - k) * d)..<((components - k) * d)])
            if let big = v.indices.max(by: { abs(v[$0]) < abs(v[$1]) }), v[big] < 0 { v = v.map { -$0 } }
            let projection = LinearAlgebra.matmul(centred, v, m: n, n: 1, k: d)
            let sorted = projection.sorted()
            let lo = sorted[Int(Double(n - 1) * 0.01)], hi = sorted[Int(Double(n - 1) * 0.99)]
            let scale: Float = hi > lo ? 1 / (hi - lo) : 0
            for i in 0..<n { out.data[k * n + i] = scale == 0 ? 0.5 : min(1, max(0, (projection[i] - lo) * scale)) }
        }
        return out
    }
}
