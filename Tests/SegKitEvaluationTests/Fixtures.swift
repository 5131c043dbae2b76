import Foundation

enum Fixtures {
    static func json(_ name: String) throws -> [String: Any] {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    }

    static func cases(_ name: String) throws -> [[String: Any]] {
        let list = try json(name)["cases"] as! [[String: Any]]
        precondition(!list.isEmpty, "fixture \(name) is empty")
        return list
    }
}
