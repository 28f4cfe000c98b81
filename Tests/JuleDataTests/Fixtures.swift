import CZlib
import Foundation
@testable import JuleData

/// Builders for synthetic source files in their exact canonical formats.
enum Fixtures {
    /// Big-endian IDX file of unsigned bytes.
    static func idx(dims: [Int], values: [UInt8]) -> Data {
        var data = Data([0, 0, 0x08, UInt8(dims.count)])
        for d in dims { withUnsafeBytes(of: UInt32(d).bigEndian) { data.append(contentsOf: $0) } }
        data.append(contentsOf: values)
        return data
    }

    /// gzip via the system's gzip, as the canonical MNIST files are made.
    static func gzip(_ data: Data) throws -> Data {
        try run("/bin/gzip", ["-c", "-n"], input: data)
    }

    /// Runs a tool with stdin, returns stdout.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let output = Pipe()
        process.standardOutput = output
        let inputPipe = Pipe()
        if input != nil { process.standardInput = inputPipe }
        try process.run()
        if let input {
            inputPipe.fileHandleForWriting.write(input)
            try inputPipe.fileHandleForWriting.close()
        }
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw DataError.invalidRequest("\(tool) failed") }
        return result
    }

    /// One MAT v5 miMATRIX element for a numeric matrix stored as `storedType` (2 uint8, 9 double, 4 uint16).
    static func matMatrix(name: String, dims: [Int], values: [Double], classID: UInt32 = 6, storedType: UInt32 = 2) -> Data {
        var body = Data()
        func tag(_ type: UInt32, _ count: Int) {
            withUnsafeBytes(of: type.littleEndian) { body.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt32(count).littleEndian) { body.append(contentsOf: $0) }
        }
        func pad() { while body.count % 8 != 0 { body.append(0) } }
        tag(6, 8)
        withUnsafeBytes(of: classID.littleEndian) { body.append(contentsOf: $0) }
        body.append(contentsOf: [0, 0, 0, 0])
        tag(5, 4 * dims.count)
        for d in dims { withUnsafeBytes(of: Int32(d).littleEndian) { body.append(contentsOf: $0) } }
        pad()
        tag(1, name.utf8.count)
        body.append(contentsOf: Array(name.utf8))
        pad()
        var payload = Data()
        for v in values {
            switch storedType {
            case 2: payload.append(UInt8(v))
            case 4: withUnsafeBytes(of: UInt16(v).littleEndian) { payload.append(contentsOf: $0) }
            default: withUnsafeBytes(of: v.bitPattern.littleEndian) { payload.append(contentsOf: $0) }
            }
        }
        tag(storedType, payload.count)
        body.append(payload)
        pad()
        var element = Data()
        withUnsafeBytes(of: UInt32(14).littleEndian) { element.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(body.count).littleEndian) { element.append(contentsOf: $0) }
        element.append(body)
        return element
    }

    /// A PNG written chunk by chunk (libpng's simplified writer only makes 8-bit files): `rows` are the unfiltered
    /// scanlines without their filter byte, `extra` chunks go before IDAT (e.g. `gAMA`, `PLTE`, `tRNS`).
    static func png(width: Int, height: Int, bitDepth: UInt8, colourType: UInt8, rows: [[UInt8]],
                    extra: [(type: String, data: [UInt8])] = []) -> Data {
        func be32(_ v: UInt32) -> [UInt8] { withUnsafeBytes(of: v.bigEndian) { Array($0) } }
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return be32(UInt32(data.count)) + body + be32(UInt32(crc32(0, body, uInt(body.count))))
        }
        var raw: [UInt8] = []
        for row in rows { raw += [0] + row }
        var size = compressBound(uLong(raw.count))
        var compressed = [UInt8](repeating: 0, count: Int(size))
        _ = compress2(&compressed, &size, raw, uLong(raw.count), 6)
        var file: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        file += chunk("IHDR", be32(UInt32(width)) + be32(UInt32(height)) + [bitDepth, colourType, 0, 0, 0])
        for (type, data) in extra { file += chunk(type, data) }
        file += chunk("IDAT", Array(compressed.prefix(Int(size))))
        file += chunk("IEND", [])
        return Data(file)
    }

    /// A MAT v5 file from elements; `compress` wraps each in miCOMPRESSED (zlib).
    static func matFile(_ elements: [Data], compress: Bool) -> Data {
        var header = Data("MATLAB 5.0 MAT-file, Platform: GLNXA64, Created on: test".utf8)
        header.append(contentsOf: repeatElement(0x20, count: 116 - header.count))
        header.append(contentsOf: repeatElement(0, count: 8))
        header.append(contentsOf: [0x00, 0x01, 0x49, 0x4D])
        for element in elements {
            if compress {
                var size = compressBound(uLong(element.count))
                var out = [UInt8](repeating: 0, count: Int(size))
                _ = element.withUnsafeBytes { compress2(&out, &size, $0.bindMemory(to: Bytef.self).baseAddress, uLong(element.count), 6) }
                withUnsafeBytes(of: UInt32(15).littleEndian) { header.append(contentsOf: $0) }
                withUnsafeBytes(of: UInt32(size).littleEndian) { header.append(contentsOf: $0) }
                header.append(contentsOf: out.prefix(Int(size)))
            } else {
                header.append(element)
            }
        }
        return header
    }

    /// A one-entry registry whose single source set reads `files` from a mirror folder.
    static func registry(name: String = "Synthetic", classes: Int, count: Int, shape: [Int], decoder: String,
                         parameters: DecoderParameters, files: [SourceFile]) throws -> DatasetRegistry {
        let set = SourceSet(id: "mirror", decoder: decoder, parameters: parameters, files: files)
        let entry = DatasetEntry(name: name, description: "synthetic", classes: classes, count: count, shape: shape,
                                 network: "design-rule", eta: 0.9, epochsPerPeriod: 20, claims: [], homepage: nil,
                                 sources: [set], labelMapping: "test", protocolNotes: [], deviations: [])
        return try DatasetRegistry(datasets: [entry])
    }

    /// Writes `data` at `path` under `root`, creating folders.
    @discardableResult
    static func write(_ data: Data, _ path: String, under root: URL) throws -> URL {
        let url = root.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
        return url
    }

    /// Deterministic pseudo-random bytes.
    static func bytes(_ count: Int, seed: UInt64) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    }
}
