extension Variable {
    /// Matrix product of rank-2 tensors, op(A) · op(B) with optional transposes.
    /// - Throws: when ranks or inner dimensions do not match.
    public func matmul(_ other: Variable, transposeSelf: Bool = false, transposeOther: Bool = false) throws(SegKitError) -> Variable {
        let a = value, b = other.value
        guard a.rank == 2, b.rank == 2 else { throw .shapeMismatch("matmul: needs rank-2 operands, got \(a.shape) and \(b.shape)") }
        let m = transposeSelf ? a.shape[1] : a.shape[0], k = transposeSelf ? a.shape[0] : a.shape[1]
        let k2 = transposeOther ? b.shape[1] : b.shape[0], n = transposeOther ? b.shape[0] : b.shape[1]
        guard k == k2 else { throw .shapeMismatch("matmul: inner dimensions differ, \(a.shape) × \(b.shape)") }
        let c = LinearAlgebra.matmul(a.data, b.data, m: m, n: n, k: k, transposeA: transposeSelf, transposeB: transposeOther)
        return Variable(Tensor(unchecked: [m, n], c), inputs: [self, other]) { g in
            // C = op(A)·op(B): dop(A) = G·op(B)ᵀ, dop(B) = op(A)ᵀ·G, then undo the transposes.
            let dOpA = LinearAlgebra.matmul(g.data, b.data, m: m, n: k, k: n, transposeB: !transposeOther)
            let dOpB = LinearAlgebra.matmul(a.data, g.data, m: k, n: n, k: m, transposeA: !transposeSelf)
            let da = transposeSelf ? LinearAlgebra.transpose(dOpA, rows: m, columns: k) : dOpA
            let db = transposeOther ? LinearAlgebra.transpose(dOpB, rows: k, columns: n) : dOpB
            return [Tensor(unchecked: a.shape, da), Tensor(unchecked: b.shape, db)]
        }
    }
}
