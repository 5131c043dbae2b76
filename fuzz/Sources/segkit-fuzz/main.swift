// segkit-fuzz TARGET [libFuzzer options] [CORPUS…]
// Runs libFuzzer on one of SegKit's readers. Build it with fuzz/run.sh (sanitizer flags needed).
import CFuzzerDriver
import Foundation

let arguments = CommandLine.arguments
guard arguments.count >= 2, let harness = harnesses.first(where: { $0.name == arguments[1] }) else {
    let names = harnesses.map { "  \($0.name.padding(toLength: 6, withPad: " ", startingAt: 0)) \($0.summary)" }
    FileHandle.standardError.write(Data("usage: segkit-fuzz TARGET [libFuzzer options] [CORPUS…]\ntargets:\n\(names.joined(separator: "\n"))\n".utf8))
    exit(2)
}

let selected = harness
var forwarded = [arguments[0]] + arguments.dropFirst(2)
var argc = Int32(forwarded.count)
var cStrings = forwarded.map { strdup($0) } + [nil]
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = cStrings.withUnsafeMutableBufferPointer { buffer in
    let copy = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: buffer.count)
    copy.initialize(from: buffer.baseAddress!, count: buffer.count)
    return copy
}
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
    selected.body(UnsafeRawBufferPointer(start: data, count: size))
    return 0
})
