import Foundation
import SegKit

/// Finding and loading entity embedding models (`--model default|PATH`).
enum EntityModelFile {
    static let defaultName = "entity-d64.safetensors"

    /// `default` resolves through ``defaultPath()``; anything else is a path to a .safetensors model.
    static func load(_ nameOrPath: String) throws(SegKitError) -> EmbeddingNetwork {
        let path = nameOrPath == "default" ? try defaultPath() : nameOrPath
        let file = try SafeTensors.read(path)
        return try SegKitError.attributed(to: path) { () throws(SegKitError) in
            let network = EmbeddingNetwork(configuration: try EntityModelMetadata.configuration(from: file.metadata))
            try network.load(file.tensors)
            return network
        }
    }

    /// `$SEGKIT_MODEL` when set (it must name a file), else `Models/entity-d64.safetensors` in the
    /// working directory, else a `Models/` folder up to four levels above the executable.
    static func defaultPath() throws(SegKitError) -> String {
        if let env = ProcessInfo.processInfo.environment["SEGKIT_MODEL"], !env.isEmpty {
            guard FileAccess.kind(env) == .file else { throw SegKitError(.fileSystem, "SEGKIT_MODEL names no model file", path: env) }
            return env
        }
        var candidates = ["Models/" + defaultName]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent("Models/" + defaultName).path)
            folder = folder.deletingLastPathComponent()
        }
        guard let found = candidates.first(where: { FileAccess.kind($0) == .file }) else {
            throw SegKitError(.fileSystem, "the default model \(defaultName) was not found (set SEGKIT_MODEL or pass --model PATH; --model classic needs none)")
        }
        return found
    }
}
