import ArgumentParser
import Foundation
import JuleData

extension Jule.DataCommand {
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import your own copy: an image folder (class sub-folders, or none), an image archive, or an .h5 in JULE's layout.")
        @OptionGroup var data: DataOptions
        @Argument(help: "Dataset name: a registry name (e.g. FRGC, YTF, ImageNet-10) or a new one.") var name: String
        @Option(help: ArgumentHelp("Folder, archive or .h5 file to import.", valueName: "path")) var from: String
        @Option(help: "Channels of images from a folder or archive for a new name (1 or 3; default 3).") var channels: Int?
        @Option(help: "Height to resize images to for a new name (default: the first image's).") var height: Int?
        @Option(help: "Width to resize images to for a new name (default: the first image's).") var width: Int?

        func validate() throws {
            if let channels, channels != 1, channels != 3 { throw ValidationError("--channels must be 1 or 3") }
            if let height, height < 1 { throw ValidationError("--height must be positive") }
            if let width, width < 1 { throw ValidationError("--width must be positive") }
        }

        func run() throws {
            let store = try data.makeStore()
            let outcome = try store.importDataset(name, from: URL(fileURLWithPath: from), channels: channels, height: height, width: width)
            let d = outcome.dataset
            print("\(d.name): imported \(d.count) images, \(d.classCount) classes, \(d.channels)x\(d.height)x\(d.width) → \(outcome.cacheURL.path)")
        }
    }
}
