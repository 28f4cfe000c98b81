import Foundation
import XCTest
import _JuleTestSupport

/// Findings of a user trial: output options wrote over a run's own files without a word, and a run damaged that way
/// (or on disk) was then "already complete" for `jule train` and a kernel difference for `jule check`.
final class RunFilesIntegrityTests: XCTestCase {
    /// An imported set of 60 images in class folders (`folder/`) and a finished run of it in `runs/victim`.
    private func finishedRun(_ cli: CLI) throws {
        try OwnDataFixtures().writeFolder(cli.url("folder"))
        XCTAssertEqual(try cli.run(["data", "import", "own", "--from", cli.url("folder").path, "--quiet"]).status, 0)
        let trained = try cli.run(["train", "own", "--epochs-per-period", "1", "--out", "runs/victim"])
        XCTAssertEqual(trained.status, 0, trained.output)
    }

    /// `embed --out`, `show --out` / `--confusion` and `cluster --out` naming a file of a run folder (also through a
    /// link to the folder) are usage errors naming the run and the file's part in it; the run's files stay as they
    /// were. A new file in a run folder is still allowed.
    func testOutputOptionsRefuseARunsOwnFiles() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        let names = ["record.json", "model.ckpt", "labels-sf.txt", "labels-rc.txt"]
        let before = try names.map { try Data(contentsOf: cli.url("runs/victim/\($0)")) }
        try FileManager.default.createSymbolicLink(at: cli.url("link"), withDestinationURL: cli.url("runs/victim"))
        let refused: [([String], String)] = [
            (["embed", "--run", "runs/victim", "--images", "folder", "--out", "runs/victim/record.json"],
             "--out runs/victim/record.json: a file of the run in runs/victim (its record); choose another path"),
            (["show", "--run", "runs/victim", "--out", "runs/victim/model.ckpt"],
             "--out runs/victim/model.ckpt: a file of the run in runs/victim (its model); choose another path"),
            (["show", "--run", "runs/victim", "--out", "m.png", "--confusion", "runs/victim/labels-sf.txt"],
             "--confusion runs/victim/labels-sf.txt: a file of the run in runs/victim (its JULE-SF labels)"),
            (["cluster", "own", "--out", "runs/victim/labels-rc.txt"],
             "--out runs/victim/labels-rc.txt: a file of the run in runs/victim (its JULE-RC labels)"),
            (["cluster", "own", "--out", "link/labels-rc.txt"], "(its JULE-RC labels); choose another path"),
            // The file type an option writes: PNG bytes are not written under a JPEG name (nor SVG under .png).
            (["show", "--run", "runs/victim", "--out", "m.jpg"], "--out m.jpg: writes PNG; give a name ending in .png"),
            (["show", "--run", "runs/victim", "--out", "m.png", "--confusion", "c.png"], "--confusion c.png: writes SVG; give a name ending in .svg"),
        ]
        for (arguments, message) in refused {
            let result = try cli.run(arguments)
            assertCleanError(result, mentions: [message])
            XCTAssertEqual(result.status, 64, "\(arguments): \(result.output)")
        }
        XCTAssertEqual(try names.map { try Data(contentsOf: cli.url("runs/victim/\($0)")) }, before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: cli.url("m.png").path))
        let new = try cli.run(["embed", "--run", "runs/victim", "--images", "folder", "--out", "runs/victim/new-embeddings.h5"])
        XCTAssertEqual(new.status, 0, new.output)
        XCTAssertTrue(FileManager.default.fileExists(atPath: cli.url("runs/victim/new-embeddings.h5").path))
    }

    /// A finished run with a model that fails its checksum, a cut label file or a record whose scores are not its
    /// trajectory's: `jule train` says which file is damaged and suggests --force instead of "already complete", and
    /// `jule check` says there is nothing to compare against instead of re-running and blaming the kernel.
    func testDamagedRunIsNeitherCompleteNorCompared() throws {
        let cli = try CLI(root: try makeTemporaryDirectory(prefix: "jule-cli"))
        try finishedRun(cli)
        let train = ["train", "own", "--epochs-per-period", "1", "--out", "runs/victim"]
        let model = cli.url("runs/victim/model.ckpt"), labels = cli.url("runs/victim/labels-rc.txt")
        let record = cli.url("runs/victim/record.json")
        let (modelBytes, labelBytes, recordBytes) = (try Data(contentsOf: model), try Data(contentsOf: labels), try Data(contentsOf: record))

        var damaged = modelBytes
        for k in damaged.count - 8..<damaged.count - 4 { damaged[k] ^= 0x5A }
        try damaged.write(to: model)
        let trainedOverModel = try cli.run(train)
        assertCleanError(trainedOverModel, mentions: ["runs/victim/model.ckpt: damaged (checksum mismatch", "--force"])
        XCTAssertFalse(trainedOverModel.output.contains("already complete"), trainedOverModel.output)
        let checkedModel = try cli.run(["check", "runs/victim"])
        assertCleanError(checkedModel, mentions: ["runs/victim/model.ckpt: damaged (checksum mismatch", "; nothing to compare against"])
        XCTAssertFalse(checkedModel.stdout.contains("checking"), checkedModel.output)
        try modelBytes.write(to: model)

        let cut = String(decoding: labelBytes, as: UTF8.self).split(separator: "\n").prefix(10).joined(separator: "\n") + "\n"
        try cut.write(to: labels, atomically: true, encoding: .utf8)
        assertCleanError(try cli.run(train), mentions: ["runs/victim/labels-rc.txt: damaged (10 labels for the run's 60 images)", "--force"])
        assertCleanError(try cli.run(["check", "runs/victim"]), mentions: ["labels-rc.txt: damaged", "nothing to compare against"])
        try labelBytes.write(to: labels)

        var json = try XCTUnwrap(try JSONSerialization.jsonObject(with: recordBytes) as? [String: Any])
        var rc = try XCTUnwrap(json["rc"] as? [String: Any])
        rc["nmi"] = 0.999
        json["rc"] = rc
        try JSONSerialization.data(withJSONObject: json).write(to: record)
        assertCleanError(try cli.run(train), mentions: ["runs/victim/record.json: scores not those of the run (RC NMI 0.999000 recorded"])
        let checkedRecord = try cli.run(["check", "runs/victim"])
        assertCleanError(checkedRecord, mentions: ["record.json: scores not those of the run", "nothing to compare against"])
        XCTAssertFalse(checkedRecord.output.contains("not a portable run"), checkedRecord.output)
        try recordBytes.write(to: record)

        let whole = try cli.run(train)
        XCTAssertEqual(whole.status, 0, whole.output)
        XCTAssertTrue(whole.output.contains("already complete for this configuration; not redone"), whole.output)
        // --force makes a damaged run again, the old folder kept aside.
        try damaged.write(to: model)
        let forced = try cli.run(train + ["--force"])
        XCTAssertEqual(forced.status, 0, forced.output)
        XCTAssertEqual(try Data(contentsOf: model), modelBytes)
    }
}
