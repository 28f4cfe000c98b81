import Foundation

/// Decoders whose sources are archives or HDF5 files (CIFAR, STL-10, zipped PNGs, JPEG trees, JULE's h5).
enum ArchiveDecoders {
    static func decode(set: SourceSet, files: [(SourceFile, URL)], dataset: String,
                       progress: ProgressReporter?) throws -> DecodedImages {
        throw DataError.invalidRequest("\(dataset): decoder '\(set.decoder)' is not available in this build")
    }
}
