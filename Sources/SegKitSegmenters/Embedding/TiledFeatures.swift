extension EmbeddingNetwork {
    /// Features of a large image from overlapping tiles (bottom-up paper §4.1: the higher
    /// resolutions are processed in tiles), so memory stays bounded by the tile size.
    ///
    /// Tiles of `tileSize` × `tileSize` pixels start every `tileSize − overlap` pixels (the last
    /// row and column of tiles are aligned with the image's far edges). In an overlap, features are
    /// blended with weights that ramp linearly from a tile's inner edge (image borders get full
    /// weight). Because features are lines (f and −f are the same), each tile's feature is first
    /// sign-aligned with what earlier tiles accumulated at that pixel; the blend is renormalised.
    /// Tiles are processed in a fixed order, so results do not depend on the thread count.
    ///
    /// - Parameters:
    ///   - tileSize: tile side in pixels, ≥ 2 × `overlap` and ≥ 32. An image that fits in one
    ///     tile is processed whole (identical to ``features(for:)``).
    ///   - overlap: pixels shared by neighbouring tiles, ≥ 0. Default 64.
    /// - Complexity: the network cost of ⌈W/(T−O)⌉ · ⌈H/(T−O)⌉ tiles; peak memory of one tile.
    public func features(for image: Image<Float>, tileSize: Int, overlap: Int = 64) throws(SegKitError) -> Image<Float> {
        guard tileSize >= 32, overlap >= 0, tileSize >= 2 * overlap else {
            throw .invalidArgument("tiles must be at least 32 pixels and at least twice the overlap (tile \(tileSize), overlap \(overlap))")
        }
        let w = image.width, h = image.height
        if w <= tileSize && h <= tileSize { return try features(for: image) }
        func origins(_ length: Int) -> [Int] {
            guard length > tileSize else { return [0] }
            var starts = Array(stride(from: 0, to: length - tileSize, by: tileSize - overlap))
            starts.append(length - tileSize)
            return starts
        }
        let d = configuration.dimension, n = w * h
        var sum = [Float](repeating: 0, count: d * n)
        for ty in origins(h) {
            for tx in origins(w) {
                let rect = PixelRect(x: tx, y: ty, width: min(tileSize, w), height: min(tileSize, h))
                let tile = try features(for: try image.cropped(to: rect))
                let tw = rect.width, th = rect.height, tn = tw * th
                for y in 0..<th {
                    // Ramp weights: 1 inside, falling towards a tile edge that is not an image edge.
                    let wy = Self.rampWeight(y, th, overlap, atStart: ty == 0, atEnd: ty + th == h)
                    for x in 0..<tw {
                        let weight = wy * Self.rampWeight(x, tw, overlap, atStart: tx == 0, atEnd: tx + tw == w)
                        let i = (ty + y) * w + tx + x, t = y * tw + x
                        var dot: Float = 0
                        for c in 0..<d { dot += sum[c * n + i] * tile.data[c * tn + t] }
                        let s = dot < 0 ? -weight : weight
                        for c in 0..<d { sum[c * n + i] += s * tile.data[c * tn + t] }
                    }
                }
            }
        }
        for i in 0..<n {
            var norm: Float = 0
            for c in 0..<d { norm += sum[c * n + i] * sum[c * n + i] }
            let scale: Float = norm > 0 ? 1 / norm.squareRoot() : 0
            for c in 0..<d { sum[c * n + i] *= scale }
        }
        return try Image(width: w, height: h, channels: d, data: sum)
    }

    /// Weight of position `p` in a tile of `length`: ramps from 1/(overlap+1) at an inner edge to 1
    /// at `overlap` pixels from it; edges on the image border keep weight 1.
    static func rampWeight(_ p: Int, _ length: Int, _ overlap: Int, atStart: Bool, atEnd: Bool) -> Float {
        guard overlap > 0 else { return 1 }
        var weight: Float = 1
        if !atStart { weight = min(weight, Float(p + 1) / Float(overlap + 1)) }
        if !atEnd { weight = min(weight, Float(length - p) / Float(overlap + 1)) }
        return weight
    }
}
