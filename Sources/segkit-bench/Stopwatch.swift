import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        try samples(repeats: repeats, warmup: warmup, body).median
    }

    /// Median and fastest of `repeats` timed calls after `warmup` untimed ones (the minimum is the
    /// steadier number on a busy machine; benchmarks report the median).
    /// `all` lists every timed call in order. `cpu` is the least process CPU time (all threads) of one call: unlike wall time, it does not
    /// grow while other programs hold the cores, so it is the number to compare code changes with.
    static func samples(repeats: Int = 5, warmup: Int = 1, _ body: () throws -> Void) rethrows -> (median: Double, min: Double, cpu: Double, all: [Double]) {
        for _ in 0..<warmup { try body() }
        var all: [Double] = [], cpu = Double.infinity
        for _ in 0..<max(1, repeats) {
            let start = processCPUTime()
            all.append(try time(body))
            cpu = min(cpu, processCPUTime() - start)
        }
        let times = all.sorted()
        return (times[times.count / 2], times[0], cpu, all)
    }

    /// CPU seconds used by the process so far.
    static func processCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
    }
}
