import Foundation
import XCTest
import JuleData
import _JuleTestSupport

/// A new user's trial of embed, train's refusals, import and fetch: another run's model, the settings that differ
/// from a finished run, a run that never trained, an unlabelled set's --classes, --no-mirror, colour images.
final class EmbedAndTrainMessagesTests: XCTestCase {
    private func importedSet(_ cli: CLI, classes: Int = 3, perClass: Int = 20, name: String = "own", seed: UInt64 = 7,
                             extra: [String] = []) throws {
        try OwnDataFixtures(classes: classes, perClass: perClass, seed: seed).writeNPZ(cli.url("\(name).npz"))
        let result = try cli.run(["data", "import", name, "--from", cli.url("\(name).npz").path, "--quiet"] + extra)
        XCTAssertEqual(result.status, 0, result.output)
    }

    /// The network, training settings and seed of two runs can agree while their data or schedule differ: the model
    /// names its run, and embed refuses another run's model, naming both files and what differs. Its own model
    /// (given as --model too) is accepted without a warning.
    func testEmbedRefusesAnotherRunsModel() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        try importedSet(cli, name: "other", seed: 8)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "a"]).status, 0)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "2", "--out", "b"]).status, 0)
        XCTAssertEqual(try cli.run(["train", "other", "--epochs-per-period", "1", "--out", "c"]).status, 0)
        try FileManager.default.createDirectory(at: cli.url("new"), withIntermediateDirectories: true)
        try OwnDataFixtures(perClass: 1).writeImage(0, to: cli.url("new/one.png"))
        let schedule = try cli.run(["embed", "--run", "a", "--model", "b/model.ckpt", "--images", "new", "--list"])
        assertCleanError(schedule, mentions: ["--model b/model.ckpt is not the model of run a", "it is the model of run own-s1-", "configuration "])
        XCTAssertEqual(schedule.status, 64, schedule.output)
        // Same settings on another dataset (its name and its images): the hash and the digest differ.
        assertCleanError(try cli.run(["embed", "--run", "a", "--model", "c/model.ckpt", "--images", "new", "--list"]),
                         mentions: ["c/model.ckpt", "run a", "it is the model of run other-s1-", "dataset digest"])
        let own = try cli.run(["embed", "--run", "a", "--model", "a/model.ckpt", "--images", "new", "--list"])
        XCTAssertEqual(own.status, 0, own.output)
        XCTAssertFalse(own.stderr.contains("warning"), own.stderr)

        // An older build's model names no run: it must hold the run's own model.ckpt's state; a run folder without
        // one leaves only the header's settings to compare, and a warning says so.
        for run in ["a", "b"] { try withoutOrigin(cli.url("\(run)/model.ckpt"), to: cli.url("old-\(run).ckpt")) }
        assertCleanError(try cli.run(["embed", "--run", "a", "--model", "old-b.ckpt", "--images", "new", "--list"]),
                         mentions: ["--model old-b.ckpt is not the model of run a", "names no run", "a/model.ckpt"])
        let oldOwn = try cli.run(["embed", "--run", "a", "--model", "old-a.ckpt", "--images", "new", "--list"])
        XCTAssertEqual(oldOwn.status, 0, oldOwn.output)
        XCTAssertFalse(oldOwn.stderr.contains("warning"), oldOwn.stderr)
        try FileManager.default.copyItem(at: cli.url("a"), to: cli.url("clone"))
        try FileManager.default.removeItem(at: cli.url("clone/model.ckpt"))
        let clone = try cli.run(["embed", "--run", "clone", "--model", "old-b.ckpt", "--images", "new", "--list"])
        XCTAssertEqual(clone.status, 0, clone.output)
        XCTAssertTrue(clone.stderr.contains("warning: --model old-b.ckpt does not name its run"), clone.stderr)
    }

    /// A model given without its run cannot say how it was trained: `--portable` and `--convolution` do, and then its
    /// embeddings are the bits its portable run's own embed gives (Winograd and im2col, portable and not, differ).
    func testModelAloneEmbedsAsPortableAndConvolutionSay() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        let train = try cli.run(["train", "own", "--epochs-per-period", "1", "--portable", "--convolution", "im2col", "--out", "p"])
        XCTAssertEqual(train.status, 0, train.output)
        try FileManager.default.createDirectory(at: cli.url("new"), withIntermediateDirectories: true)
        for i in 0..<3 { try OwnDataFixtures(perClass: 3).writeImage(i, to: cli.url("new/\(i).png")) }
        XCTAssertEqual(try cli.run(["embed", "--run", "p", "--images", "new", "--out", "run.h5"]).status, 0)
        let alone = try cli.run(["embed", "--model", "p/model.ckpt", "--portable", "--convolution", "im2col",
                                 "--images", "new", "--out", "alone.h5"])
        XCTAssertEqual(alone.status, 0, alone.output)
        let read = { (name: String) -> [Float] in try HDF5File.open(at: cli.url(name)).read("embeddings", as: Float.self).values }
        XCTAssertEqual(try read("run.h5"), try read("alone.h5"))
        XCTAssertFalse(try read("run.h5").isEmpty)
    }

    /// The checkpoint as an older build wrote it: the same header without `origin` (the payload checksum covers the
    /// arrays only).
    private func withoutOrigin(_ url: URL, to copy: URL) throws {
        let bytes = [UInt8](try Data(contentsOf: url))
        let length = Int(bytes[12]) | Int(bytes[13]) << 8 | Int(bytes[14]) << 16 | Int(bytes[15]) << 24
        let header = String(decoding: bytes[16..<(16 + length)], as: UTF8.self)
        let origin = try XCTUnwrap(header.range(of: #","origin":\{[^}]*\}"#, options: .regularExpression), header)
        let json = Array(header.replacingCharacters(in: origin, with: "").utf8)
        var out = Array(bytes[0..<12])
        withUnsafeBytes(of: UInt32(json.count).littleEndian) { out += $0 }
        try Data(out + json + bytes[(16 + length)...]).write(to: copy)
    }

    /// A finished run of another configuration is refused naming the settings that differ, as an unfinished one is.
    func testFinishedRunRefusalNamesTheDifferences() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "run"]).status, 0)
        assertCleanError(try cli.run(["train", "own", "--epochs-per-period", "2", "--out", "run"]),
                         mentions: ["holds the finished run own-s1-", "other settings (epochsPerPeriod 1 → 2)", "--force"])
        assertCleanError(try cli.run(["train", "own", "--epochs-per-period", "1", "--seed", "2", "--eta", "0.5", "--out", "run"]),
                         mentions: ["clustering.unrollingRate ", " → 0.5", "seed 1 → 2"])
    }

    /// When the first step already reaches n*, no epoch is trained: a warning says so (and the run still finishes).
    func testARunThatNeverTrainsSaysSo() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, classes: 2, perClass: 2)
        let trained = try cli.run(["train", "own", "--out", "run"])
        XCTAssertEqual(trained.status, 0, trained.output)
        XCTAssertTrue(trained.stderr.contains("epochs 0"), trained.stderr)
        XCTAssertTrue(trained.stderr.contains("warning: own: the network was not trained (0 epochs)"), trained.stderr)
        XCTAssertTrue(trained.stderr.contains("JULE-RC clusters an untrained network's embeddings"), trained.stderr)
        // A run that trained says nothing of the kind.
        try importedSet(cli, name: "more")
        let more = try cli.run(["train", "more", "--epochs-per-period", "1", "--out", "more"])
        XCTAssertEqual(more.status, 0, more.output)
        XCTAssertFalse(more.stderr.contains("not trained"), more.stderr)
    }

    /// --classes on an unlabelled set says it is unlabelled, not "1 classes (allowed: 2…1)"; --no-mirror is named
    /// when it turned a mirror off.
    func testUnlabelledClassesAndNoMirrorMessages() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli, extra: ["--unlabelled"])
        let classes = try cli.run(["train", "own", "--classes", "2", "--clusters", "3"])
        assertCleanError(classes, mentions: ["--classes 2: own is unlabelled (no classes)", "--clusters K alone"])
        XCTAssertFalse(classes.stderr.contains("1 classes"), classes.stderr)
        XCTAssertEqual(classes.status, 64)
        let mirror = cli.url("mirror")
        try FileManager.default.createDirectory(at: mirror, withIntermediateDirectories: true)
        let fetched = try cli.run(["data", "fetch", "USPS", "--no-mirror", "--offline"], environment: ["JULE_MIRROR": mirror.path])
        assertCleanError(fetched, mentions: ["USPS: not available offline", "the mirror is off (--no-mirror)"])
        XCTAssertFalse(fetched.stderr.contains("no mirror given"), fetched.stderr)
    }

    /// A run on labelled image files: `--list` prints beside each new image's cluster what that cluster mostly held in
    /// the run (its class folder's name) and the share, as the run's clusters.tsv counts it; a damaged table costs
    /// the two columns and one warning, not the listing. An unlabelled run's listing has no such columns.
    func testEmbedListNamesEachClustersClass() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        let fixtures = OwnDataFixtures(classes: 3, perClass: 20)
        try fixtures.writeFolder(cli.url("tree"))
        XCTAssertEqual(try cli.run(["data", "import", "bands", "--from", cli.url("tree").path, "--quiet"]).status, 0)
        let trained = try cli.run(["train", "bands", "--epochs-per-period", "1", "--out", "run", "--quiet"])
        XCTAssertEqual(trained.status, 0, trained.output)
        try FileManager.default.createDirectory(at: cli.url("new"), withIntermediateDirectories: true)
        for n in 0..<3 { try fixtures.writeImage(n, to: cli.url("new/\(n).png")) }
        let listed = try cli.run(["embed", "--run", "run", "--images", "new", "--list"])
        XCTAssertEqual(listed.status, 0, listed.output)
        let lines = listed.stdout.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        XCTAssertEqual(lines.first, ["index", "file", "cluster", "cosine", "cluster_class", "class_share"])
        XCTAssertEqual(lines.count, 4, listed.stdout)
        // What the table says, counted here from the run's own clusters.tsv.
        let table = try String(contentsOf: cli.url("run/clusters.tsv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { $0.split(separator: "\t").map(String.init) }
        for line in lines.dropFirst() {
            let members = table.filter { $0[3] == line[2] }
            let counts = Dictionary(grouping: members, by: { $0[1] }).mapValues(\.count)
            let best = try XCTUnwrap(counts.max { ($0.value, $1.key) < ($1.value, $0.key) })
            XCTAssertEqual(line[4], best.key, listed.stdout)
            XCTAssertEqual(line[5], String(format: "%.2f", Double(best.value) / Double(members.count)), listed.stdout)
            XCTAssertTrue(line[4].hasPrefix("class-"), line[4])
        }
        // A damaged table: one warning naming it, the listing without the two columns.
        try Data("file\tclass\tsf\trc\nx.png\tclass-0\t0\n".utf8).write(to: cli.url("run/clusters.tsv"))
        let damaged = try cli.run(["embed", "--run", "run", "--images", "new", "--list"])
        XCTAssertEqual(damaged.status, 0, damaged.output)
        XCTAssertTrue(damaged.stderr.contains("warning: \(cli.url("run/clusters.tsv").path): line 2: 3 fields, the header has 4; the class columns are left out"), damaged.stderr)
        XCTAssertTrue(damaged.stdout.hasPrefix("index\tfile\tcluster\tcosine\n"), damaged.stdout)
    }

    /// A grey network given colour images: image files and a 3-channel .h5 are both made grey, with one warning
    /// counting the colour ones (a grey image stored in RGB is not counted).
    func testEmbedMakesColourGreyAlikeForFilesAndH5() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try importedSet(cli)
        XCTAssertEqual(try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "run"]).status, 0)
        let folder = cli.url("new")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let side = 16
        let colour: [UInt8] = (0..<(side * side)).flatMap { (p: Int) -> [UInt8] in [UInt8(p % 256), 40, 200] }
        let greyRGB: [UInt8] = (0..<(side * side)).flatMap { (p: Int) -> [UInt8] in [UInt8](repeating: UInt8(p % 256), count: 3) }
        try PNGCodec.encode(colour, height: side, width: side, channels: 3).write(to: folder.appendingPathComponent("colour.png"))
        try PNGCodec.encode(greyRGB, height: side, width: side, channels: 3).write(to: folder.appendingPathComponent("grey.png"))
        let files = try cli.run(["embed", "--run", "run", "--images", "new", "--list"])
        XCTAssertEqual(files.status, 0, files.output)
        XCTAssertTrue(files.stderr.contains("warning: made 1 colour image (of 2) grey (luma)"), files.stderr)
        // The same two as a JULE-layout .h5 of 3 channels (planar).
        var planar: [Float] = []
        for rgb in [colour, greyRGB] {
            for c in 0..<3 { planar += stride(from: c, to: rgb.count, by: 3).map { Float(rgb[$0]) / 255 } }
        }
        try HDF5File.writeAtomically(to: cli.url("new.h5")) { file in
            try file.write(planar, shape: [2, 3, side, side], to: "data", compressionLevel: nil)
            try file.write([Double](repeating: 0, count: 2), shape: [2, 1], to: "labels", compressionLevel: nil)
        }
        let h5 = try cli.run(["embed", "--run", "run", "--images", "new.h5", "--list"])
        XCTAssertEqual(h5.status, 0, h5.output)
        XCTAssertTrue(h5.stderr.contains("warning: made 1 colour image (of 2) grey (luma)"), h5.stderr)
    }
}
