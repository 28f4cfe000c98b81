import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads one URL to a file with Foundation's URLSession, atomically (temporary file, then rename), with
/// progress on stderr. Connectivity failures (no route, DNS, refused, timed out) are reported as
/// `DataError.notAvailableOffline`, anything else as `DataError.downloadFailed`.
public enum Downloader {
    /// Seconds without data before a request is abandoned.
    public static var timeout: TimeInterval = 30

    public static func download(_ url: URL, to destination: URL, label: String, progress: ProgressReporter?) throws {
        let directory = destination.deletingLastPathComponent()
        // The folders this call creates, deepest first: removed again (when still empty) if the download fails, so
        // that a failed fetch leaves no empty `downloads/<name>/` behind.
        var created: [URL] = []
        var folder = directory
        while !FileManager.default.fileExists(atPath: folder.path), folder.path != "/" {
            created.append(folder)
            folder.deleteLastPathComponent()
        }
        do { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
            throw DataError.io(file: directory.path, reason: "cannot create directory (\(FileErrorText.cause(error)))")
        }
        var finished = false
        defer { if !finished { for url in created { rmdir(url.path) } } }
        progress?.note("downloading \(url.absoluteString)")
        let delegate = DownloadDelegate(progress: progress, directory: directory)
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        let session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let task = session.downloadTask(with: url)
        task.resume()
        delegate.done.wait()
        if let error = delegate.error {
            if let urlError = error as? URLError, offlineCodes.contains(urlError.code) {
                throw DataError.notAvailableOffline(dataset: label, detail: "\(url.absoluteString): \(urlError.localizedDescription)")
            }
            throw DataError.downloadFailed(url: url.absoluteString, reason: error.localizedDescription)
        }
        if let status = delegate.statusCode, !(200..<300).contains(status) {
            if let location = delegate.location { try? FileManager.default.removeItem(at: location) }
            throw DataError.downloadFailed(url: url.absoluteString, reason: "HTTP status \(status)")
        }
        guard let temporary = delegate.location else {
            throw DataError.downloadFailed(url: url.absoluteString, reason: "no file received")
        }
        try AtomicFile.replace(destination, with: temporary)
        finished = true
    }

    static let offlineCodes: Set<URLError.Code> = [
        .notConnectedToInternet, .cannotFindHost, .cannotConnectToHost, .dnsLookupFailed, .timedOut,
        .networkConnectionLost, .internationalRoamingOff, .dataNotAllowed, .secureConnectionFailed,
    ]
}

/// Collects the outcome of one download task; the finished file is moved beside the destination at once
/// (URLSession deletes its own temporary file when the delegate call returns).
private final class DownloadDelegate: NSObject, URLSessionDownloadDelegate, @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    let progress: ProgressReporter?
    var error: Error?
    var location: URL?
    var statusCode: Int?

    /// Same directory as the destination, so the final rename stays on one file system.
    let directory: URL

    init(progress: ProgressReporter?, directory: URL) {
        self.progress = progress
        self.directory = directory
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didFinishDownloadingTo location: URL) {
        statusCode = (downloadTask.response as? HTTPURLResponse)?.statusCode
        // The pid in the name lets a later fetch remove a killed one's leftover; tracked for a signal's cleanup.
        let keep = directory.appendingPathComponent(".jule-download-\(UUID().uuidString).p\(getpid()).tmp")
        AtomicFile.track(keep)
        do {
            try FileManager.default.moveItem(at: location, to: keep)
            self.location = keep
        } catch {
            self.error = error
        }
    }

    func urlSession(_ session: URLSession, downloadTask: URLSessionDownloadTask, didWriteData bytesWritten: Int64,
                    totalBytesWritten: Int64, totalBytesExpectedToWrite: Int64) {
        let total = totalBytesExpectedToWrite > 0 ? Int(totalBytesExpectedToWrite >> 10) : Int(totalBytesWritten >> 10) + 1
        progress?.update(phase: "download KiB", done: Int(totalBytesWritten >> 10), total: total)
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: Error?) {
        if let error { self.error = error }
        done.signal()
    }
}
