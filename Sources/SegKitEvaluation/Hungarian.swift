/// Optimal assignment of rows to columns (linear sum assignment), with the algorithm of scipy's
/// `linear_sum_assignment` (shortest augmenting paths, Crouse 2016, with the same tie-breaking),
/// so results — not only totals — equal scipy's.
public enum Hungarian {
    /// - Parameters:
    ///   - cost: row-major `rows` × `columns` costs; every entry finite.
    ///   - maximize: find the assignment of largest total instead of smallest.
    /// - Returns: `min(rows, columns)` pairs sorted by row, as scipy returns them.
    /// - Throws: `SegKitError` for sizes that do not match or non-finite costs.
    /// - Complexity: O(n² m) for n = min(rows, columns), m = max.
    public static func assign(cost: [Double], rows: Int, columns: Int, maximize: Bool = false) throws(SegKitError)
        -> [(row: Int, column: Int)]
    {
        guard rows >= 0, columns >= 0, cost.count == rows * columns else {
            throw .shapeMismatch("assignment cost has \(cost.count) entries, expected \(rows) × \(columns)")
        }
        guard cost.allSatisfy({ $0.isFinite }) else { throw .invalidData("assignment costs must be finite") }
        guard rows > 0, columns > 0 else { return [] }
        let transpose = rows > columns
        let nr = transpose ? columns : rows, nc = transpose ? rows : columns
        var c = [Double](repeating: 0, count: nr * nc)
        for i in 0..<rows {
            for j in 0..<columns {
                let v = maximize ? -cost[i * columns + j] : cost[i * columns + j]
                if transpose { c[j * nc + i] = v } else { c[i * nc + j] = v }
            }
        }
        var u = [Double](repeating: 0, count: nr), v = [Double](repeating: 0, count: nc)
        var shortest = [Double](repeating: .infinity, count: nc)
        var path = [Int](repeating: -1, count: nc), col4row = [Int](repeating: -1, count: nr), row4col = [Int](repeating: -1, count: nc)
        var sr = [Bool](repeating: false, count: nr), sc = [Bool](repeating: false, count: nc)
        var remaining = [Int](repeating: 0, count: nc)
        for current in 0..<nr {
            // Augmenting path from `current`.
            var minValue = 0.0
            var left = nc
            for it in 0..<nc { remaining[it] = nc - it - 1 }
            for i in 0..<nr { sr[i] = false }
            for j in 0..<nc { sc[j] = false; shortest[j] = .infinity }
            var sink = -1, i = current
            while sink == -1 {
                var index = -1, lowest = Double.infinity
                sr[i] = true
                for it in 0..<left {
                    let j = remaining[it]
                    let r = minValue + c[i * nc + j] - u[i] - v[j]
                    if r < shortest[j] {
                        path[j] = i
                        shortest[j] = r
                    }
                    if shortest[j] < lowest || (shortest[j] == lowest && row4col[j] == -1) {
                        lowest = shortest[j]
                        index = it
                    }
                }
                minValue = lowest
                guard minValue.isFinite, index >= 0 else { throw .invalidData("assignment problem is infeasible") }
                let j = remaining[index]
                if row4col[j] == -1 { sink = j } else { i = row4col[j] }
                sc[j] = true
                left -= 1
                remaining[index] = remaining[left]
            }
            // Dual update.
            u[current] += minValue
            for r in 0..<nr where sr[r] && r != current { u[r] += minValue - shortest[col4row[r]] }
            for j in 0..<nc where sc[j] { v[j] -= minValue - shortest[j] }
            // Augment.
            var j = sink
            while true {
                let r = path[j]
                row4col[j] = r
                swap(&col4row[r], &j)
                if r == current { break }
            }
        }
        if transpose {
            return (0..<nr).map { (row: col4row[$0], column: $0) }.sorted { $0.row < $1.row }
        }
        return (0..<nr).map { (row: $0, column: col4row[$0]) }
    }
}
