/// A 2-D convolution layer with Kaiming-initialised weights and a zero bias.
public struct Conv2d: Layer, Sendable {
    public let weight: Variable
    public let bias: Variable?
    public let geometry: Conv2DGeometry

    /// - Parameters: kernel k×k, `padding` default k/2 ("same" for stride 1).
    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int? = nil, dilation: Int = 1,
                groups: Int = 1, bias: Bool = true, generator g: inout SeededGenerator) {
        precondition(inChannels % groups == 0 && outChannels % groups == 0 && kernel >= 1, "invalid conv layer")
        geometry = Conv2DGeometry(stride: stride, padding: padding ?? (dilation * (kernel - 1)) / 2, dilation: dilation, groups: groups)
        let fanIn = inChannels / groups * kernel * kernel
        weight = Variable(Initialization.kaimingNormal([outChannels, inChannels / groups, kernel, kernel], fanIn: fanIn, &g),
                          requiresGradient: true)
        self.bias = bias ? Variable(Tensor(shape: [outChannels]), requiresGradient: true) : nil
    }

    public func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
        try x.conv2d(weight: weight, bias: bias, geometry: geometry)
    }

    public var namedParameters: [(String, Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// A fully connected layer y = x Wᵀ + b on [N, in] inputs (Xavier-initialised).
public struct Linear: Layer, Sendable {
    public let weight: Variable
    public let bias: Variable?

    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, generator g: inout SeededGenerator) {
        weight = Variable(Initialization.xavierUniform([outFeatures, inFeatures], fanIn: inFeatures, fanOut: outFeatures, &g),
                          requiresGradient: true)
        self.bias = bias ? Variable(Tensor(shape: [outFeatures]), requiresGradient: true) : nil
    }

    public func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
        let y = try x.matmul(weight, transposeOther: true)
        if let bias { return try y + bias }
        return y
    }

    public var namedParameters: [(String, Variable)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// Group normalisation with learnable per-channel scale (1) and shift (0).
public struct GroupNorm: Layer, Sendable {
    public let groups: Int
    public let gamma: Variable
    public let beta: Variable

    public init(groups: Int, channels: Int) {
        precondition(channels % groups == 0, "channels must divide into groups")
        self.groups = groups
        gamma = Variable(Tensor(shape: [channels], repeating: 1), requiresGradient: true)
        beta = Variable(Tensor(shape: [channels]), requiresGradient: true)
    }

    public func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
        try x.groupNorm(groups: groups, gamma: gamma, beta: beta)
    }

    public var namedParameters: [(String, Variable)] { [("weight", gamma), ("bias", beta)] }
}

/// Two 3×3 convolutions, each followed by group norm (the second before the skip) and ReLU,
/// with an identity (or 1×1 projection) skip connection.
public struct ResidualBlock: Layer, Sendable {
    public let first: Conv2d, second: Conv2d
    public let norm1: GroupNorm, norm2: GroupNorm
    public let projection: Conv2d?

    public init(inChannels: Int, outChannels: Int, groups: Int = 8, generator g: inout SeededGenerator) {
        first = Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: 3, bias: false, generator: &g)
        second = Conv2d(inChannels: outChannels, outChannels: outChannels, kernel: 3, bias: false, generator: &g)
        norm1 = GroupNorm(groups: min(groups, outChannels), channels: outChannels)
        norm2 = GroupNorm(groups: min(groups, outChannels), channels: outChannels)
        projection = inChannels == outChannels ? nil : Conv2d(inChannels: inChannels, outChannels: outChannels, kernel: 1, bias: false, generator: &g)
    }

    public func callAsFunction(_ x: Variable) throws(SegKitError) -> Variable {
        let y = try norm2(second(norm1(first(x)).relu()))
        return try (y + (projection.map { p throws(SegKitError) in try p(x) } ?? x)).relu()
    }

    public var namedParameters: [(String, Variable)] {
        prefixed("conv1", first) + prefixed("norm1", norm1) + prefixed("conv2", second) + prefixed("norm2", norm2)
            + (projection.map { prefixed("projection", $0) } ?? [])
    }
}
