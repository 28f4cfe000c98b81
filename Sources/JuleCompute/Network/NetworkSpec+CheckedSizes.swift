extension NetworkSpec {
    /// Largest activation map, im2col matrix or linear layer (in floats, per image) a spec read from a file may ask
    /// for: 2²⁸ (1 GiB of Float32), far above the paper's networks (COIL-100's first im2col is 75 × 15,376).
    public static let maxCheckedElements = 1 << 28

    /// The parameter and running-statistics counts of this spec's `Network`, computed without building it and
    /// without trapping on any value: nil when a field is out of range (non-positive sizes, a negative padding, an
    /// empty map), a product overflows, or a map, im2col matrix or the linear layer exceeds `maxCheckedElements`.
    ///
    /// A spec decoded from a file (checkpoint header, run configuration) bypasses `init`'s preconditions, so this
    /// is the check to make before `Network(spec:)`:
    ///
    ///     block b on C×H×W:  conv weights F·C·k², bias, BN γ and β: F·C·k² + 3F;  running mean and variance: 2F
    ///     head on F_last·H·W = flattenSize:  D·flattenSize + D
    public func checkedSizes() -> (parameters: Int, runningStatistics: Int)? {
        let limit = Self.maxCheckedElements
        func multiply(_ factors: Int...) -> Int? {
            var result = 1
            for f in factors {
                guard f >= 0 else { return nil }
                let (value, overflow) = result.multipliedReportingOverflow(by: f)
                guard !overflow, value <= limit else { return nil }
                result = value
            }
            return result
        }
        guard inputChannels >= 1, inputHeight >= 1, inputWidth >= 1, embeddingDimension >= 1,
              embeddingDimension <= limit, multiply(inputChannels, inputHeight, inputWidth) != nil else { return nil }
        var channels = inputChannels, height = inputHeight, width = inputWidth
        var parameters = 0, running = 0
        for block in blocks {
            guard block.filters >= 1, block.kernel >= 1, block.padding >= 0,
                  block.filters <= limit, block.kernel <= limit, block.padding <= limit else { return nil }
            // Convolution output: size + 2p − k + 1 (stride 1), then ceil(·/2) when pooled.
            let convolutionHeight = height + 2 * block.padding - block.kernel + 1
            let convolutionWidth = width + 2 * block.padding - block.kernel + 1
            guard convolutionHeight >= 1, convolutionWidth >= 1,
                  let patch = multiply(channels, block.kernel, block.kernel),
                  let positions = multiply(convolutionHeight, convolutionWidth),
                  multiply(patch, positions) != nil, multiply(block.filters, positions) != nil,
                  let weights = multiply(block.filters, patch) else { return nil }
            parameters += weights + 3 * block.filters
            running += 2 * block.filters
            channels = block.filters
            height = block.pool ? (convolutionHeight + 1) / 2 : convolutionHeight
            width = block.pool ? (convolutionWidth + 1) / 2 : convolutionWidth
        }
        guard let flatten = multiply(channels, height, width), let head = multiply(embeddingDimension, flatten),
              parameters <= limit else { return nil }
        let (total, overflow) = parameters.addingReportingOverflow(head + embeddingDimension)
        guard !overflow else { return nil }
        return (total, running)
    }
}
