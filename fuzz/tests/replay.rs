//! Replays the committed corpora and regression inputs of every fuzz target on the stable
//! toolchain: `corpus/<target>/*` and `regressions/<target>/*` (see `fuzz/README.md`).

use std::path::{Path, PathBuf};

/// The files of `dir`, sorted (none when it does not exist).
fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file());
    files.sort();
    files
}

/// Feeds every input of `target` to it; a panic names the file.
fn replay(target: &str) {
    let (_, run) = onboard_fuzz::TARGETS
        .iter()
        .find(|(name, _)| *name == target)
        .unwrap_or_else(|| panic!("no target {target}"));
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = inputs(&root.join("corpus").join(target));
    assert!(!corpus.is_empty(), "{target} has no committed seeds");
    let regressions = inputs(&root.join("regressions").join(target));
    for file in corpus.iter().chain(&regressions) {
        let data = std::fs::read(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        eprintln!("{target}: {}", file.display());
        run(&data);
    }
}

macro_rules! replay_tests {
    ($($target:ident),* $(,)?) => {
        $(
            #[test]
            fn $target() {
                replay(stringify!($target));
            }
        )*

        #[test]
        fn every_target_is_replayed() {
            let mut tested = vec![$(stringify!($target)),*];
            let mut known: Vec<&str> = onboard_fuzz::TARGETS.iter().map(|(n, _)| *n).collect();
            tested.sort_unstable();
            known.sort_unstable();
            assert_eq!(tested, known);
        }
    };
}

replay_tests!(
    payload_credential,
    payload_uat_setup,
    payload_platform_request,
    payload_preprod_setup,
    payload_launch,
    payload_attempt,
    fields,
    account,
    schedule,
    upload,
    workflow,
);
