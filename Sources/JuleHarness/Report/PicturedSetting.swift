import Foundation

/// The one setting of a dataset whose runs `jule report` draws: its cluster pictures (`ClusterPictures`) and its
/// `nmi-per-period-<dataset>.svg` both take this row, so that they show the same runs.
///
/// Among the dataset's rows with finished runs, preferred in order:
/// 1. the default setting;
/// 2. the first sweep's profile unchanged (`first-sweep`: what records made before profiles ran as their default);
/// 3. a setting whose runs keep the target cluster count (none sets `clusters`, so they end at the dataset's n*): a
///    run that ends at another count is no picture of the dataset's classes (an unlabelled dataset's runs all set it,
///    so this never tells them apart);
/// 4. the most finished runs;
/// 5. the label, alphabetically, so that the choice never depends on the order the records were read in.
enum PicturedSetting {
    static func row(of dataset: String, in rows: [ResultRow], records: [RunRecord]) -> ResultRow? {
        let settingClusters = Set(records.filter { $0.dataset == dataset && $0.configuration.clusters != nil }.map(\.runID))
        func rank(_ row: ResultRow) -> (Int, Int, Int, Int, String) {
            (row.isDefault ? 0 : 1,
             row.setting == RunProfile.firstSweep.rawValue ? 0 : 1,
             row.runIDs.contains(where: settingClusters.contains) ? 1 : 0,
             -row.seeds.count,
             row.setting)
        }
        return rows.filter { $0.dataset == dataset && $0.hasRuns }.min { rank($0) < rank($1) }
    }
}
