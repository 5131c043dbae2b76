import Dispatch

/// Wall-clock timing for benchmarks: runs a body repeatedly and reports the median.
enum Stopwatch {
    /// Seconds taken by one call of `body`.
    static func time(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
    }

    /// Median seconds over `repeats` calls, after `warmup` untimed calls.
    static func median(repeats: Int = 5, warmup: Int = 1, _ body: () throws -> Void) rethrows -> Double {
        for _ in 0..<warmup { try body() }
        var times: [Double] = []
        for _ in 0..<max(1, repeats) { times.append(try time(body)) }
        times.sort()
        return times[times.count / 2]
    }
}
