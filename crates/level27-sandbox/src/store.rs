//! The sandbox's state: every object of every family, the id counters, and the optional JSON
//! data file that keeps them across restarts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, SandboxError};
use crate::organisations::Organisation;
use crate::teams::Team;

/// The format version written into the data file, so a later incompatible change can tell.
const FORMAT_VERSION: u32 = 1;

/// One id sequence per entity type. Each starts at its own non-trivial base so that an id of one
/// type used where another is expected (a classic provider bug) finds nothing instead of a
/// different object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum IdKind {
    Organisation,
    Team,
}

impl IdKind {
    fn first(self) -> u64 {
        match self {
            IdKind::Organisation => 1000,
            IdKind::Team => 5000,
        }
    }
}

/// Everything the sandbox knows; serialised as is into the data file.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct State {
    #[serde(default)]
    pub(crate) version: u32,
    /// The next id to hand out per entity type; kept across `reset` so ids are never reused.
    #[serde(default)]
    pub(crate) next_ids: BTreeMap<IdKind, u64>,
    #[serde(default)]
    pub(crate) organisations: BTreeMap<u64, Organisation>,
    #[serde(default)]
    pub(crate) teams: BTreeMap<u64, Team>,
}

impl State {
    pub(crate) fn next_id(&mut self, kind: IdKind) -> u64 {
        let next = self.next_ids.entry(kind).or_insert(kind.first());
        let id = *next;
        *next += 1;
        id
    }

    /// Drops every object but keeps the id counters.
    fn clear(&mut self) {
        *self = State {
            version: FORMAT_VERSION,
            next_ids: std::mem::take(&mut self.next_ids),
            ..State::default()
        };
    }
}

/// The shared store: one mutex around the whole state (the sandbox serves one user's tests, so
/// contention is not a concern, and one lock makes cross-family invariants trivial).
pub(crate) struct Store {
    state: Mutex<State>,
    data_file: Option<PathBuf>,
    async_duration: Duration,
}

impl Store {
    /// Opens the store, loading `data_file` when it exists and creating it otherwise (so that an
    /// unwritable location fails at startup, not on the first request).
    pub(crate) fn open(data_file: Option<PathBuf>, async_duration: Duration) -> Result<Self, SandboxError> {
        let mut state = match &data_file {
            Some(path) => load(path)?,
            None => State::default(),
        };
        state.version = FORMAT_VERSION;
        if let Some(path) = &data_file {
            save(path, &state).map_err(|source| SandboxError::WriteData {
                path: path.display().to_string(),
                source,
            })?;
        }
        Ok(Store {
            state: Mutex::new(state),
            data_file,
            async_duration,
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave the maps half-updated in a way worse than
        // the panic itself; keep serving.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs a read-only operation.
    pub(crate) fn read<R>(&self, f: impl FnOnce(&State) -> Result<R, ApiError>) -> Result<R, ApiError> {
        f(&self.lock())
    }

    /// Runs a mutation and, when it succeeds, writes the data file before answering, so that an
    /// acknowledged change survives any later stop.
    ///
    /// All or nothing: the mutation runs on a copy that replaces the state only once it is on
    /// disk. A failed data-file write answers 500 *and* leaves memory as it was, so a client told
    /// "failed" never finds the object afterwards; a mutation returning an error midway leaves no
    /// half-change either. (The copy costs little next to serialising the whole state for the
    /// file, which every write already does.)
    pub(crate) fn write<R>(&self, f: impl FnOnce(&mut State) -> Result<R, ApiError>) -> Result<R, ApiError> {
        let mut state = self.lock();
        let mut next = state.clone();
        let result = f(&mut next)?;
        self.persist(&next)?;
        *state = next;
        Ok(result)
    }

    /// Removes every object (ids are not reused afterwards).
    pub(crate) fn reset(&self) -> Result<(), ApiError> {
        self.write(|state| {
            state.clear();
            Ok(())
        })
    }

    /// The whole state as JSON (the data file's content).
    pub(crate) fn snapshot(&self) -> serde_json::Value {
        serde_json::to_value(&*self.lock()).unwrap_or_default()
    }

    fn persist(&self, state: &State) -> Result<(), ApiError> {
        match &self.data_file {
            Some(path) => save(path, state).map_err(|e| {
                tracing::error!(
                    "could not write the data file {}: {e}; the change is not applied",
                    path.display()
                );
                ApiError::Internal(format!("sandbox could not write {}: {e}", path.display()))
            }),
            None => Ok(()),
        }
    }

    /// The status an asynchronous object shows at `now`, given when its current action started.
    /// Families with asynchronous objects (apps, systems, certificates…) store `started_ms` with
    /// the object and compute the status on every read, so no background task is needed and the
    /// data file stays consistent.
    #[allow(dead_code)] // Organisations and teams are synchronous; the async families use this.
    pub(crate) fn async_status(&self, phase: Phase, started_ms: u64, now_ms: u64) -> &'static str {
        phase.status_at(now_ms.saturating_sub(started_ms), self.async_duration)
    }
}

/// The transitional statuses of one kind of asynchronous action (seed L21–47 vocabulary).
#[allow(dead_code)] // See `Store::async_status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Phase {
    Create,
    Update,
    Delete,
}

#[allow(dead_code)] // See `Store::async_status`.
impl Phase {
    /// The first half of the duration shows the queued status, the second half the running one,
    /// then the final status.
    fn status_at(self, elapsed_ms: u64, duration: Duration) -> &'static str {
        let total = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        let (queued, running, done) = match self {
            Phase::Create => ("to_create", "creating", "ok"),
            Phase::Update => ("to_update", "updating", "ok"),
            Phase::Delete => ("to_delete", "deleting", "deleted"),
        };
        if elapsed_ms >= total {
            done
        } else if elapsed_ms < total / 2 {
            queued
        } else {
            running
        }
    }
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn load(path: &Path) -> Result<State, SandboxError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::default()),
        Err(source) => {
            return Err(SandboxError::ReadData {
                path: path.display().to_string(),
                source,
            })
        }
    };
    // An empty file (e.g. made with `touch` or `mktemp`) is an empty sandbox.
    if text.trim().is_empty() {
        return Ok(State::default());
    }
    serde_json::from_str(&text).map_err(|source| SandboxError::ParseData {
        path: path.display().to_string(),
        source,
    })
}

/// Writes `state` atomically: a temporary file in the same directory, synced, then renamed over
/// the target, so a crash leaves either the old or the new content, never half of one.
fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sandbox.json".to_string());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(&bytes)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_start_per_kind_and_survive_clear() {
        let mut state = State::default();
        assert_eq!(state.next_id(IdKind::Organisation), 1000);
        assert_eq!(state.next_id(IdKind::Organisation), 1001);
        assert_eq!(state.next_id(IdKind::Team), 5000);
        state.clear();
        assert_eq!(state.next_id(IdKind::Organisation), 1002);
    }

    #[test]
    fn async_status_moves_through_phases() {
        let d = Duration::from_millis(100);
        assert_eq!(Phase::Create.status_at(0, d), "to_create");
        assert_eq!(Phase::Create.status_at(60, d), "creating");
        assert_eq!(Phase::Create.status_at(100, d), "ok");
        assert_eq!(Phase::Delete.status_at(70, d), "deleting");
        assert_eq!(Phase::Update.status_at(0, Duration::ZERO), "ok");
        let store = Store::open(None, d).expect("in-memory store");
        assert_eq!(store.async_status(Phase::Update, 1000, 1010), "to_update");
    }

    #[test]
    fn data_file_round_trips_and_empty_file_is_empty_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, "").expect("touch");
        let store = Store::open(Some(path.clone()), Duration::ZERO).expect("open");
        let id = store.write(|s| Ok(s.next_id(IdKind::Team))).expect("write");
        drop(store);
        let text = std::fs::read_to_string(&path).expect("read back");
        let state: State = serde_json::from_str(&text).expect("parse");
        assert_eq!(state.next_ids.get(&IdKind::Team), Some(&(id + 1)));
        // No temporary file is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    #[test]
    fn a_failed_data_file_write_changes_nothing_in_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        let path = sub.join("state.json");
        let store = Store::open(Some(path), Duration::ZERO).expect("open");
        let kept = store.write(|s| Ok(s.next_id(IdKind::Team))).expect("first write");
        // The file's directory becomes a regular file: every later save fails, even as root.
        std::fs::remove_dir_all(&sub).expect("rm");
        std::fs::write(&sub, "not a directory").expect("file");
        let failed = store.write(|s| Ok(s.next_id(IdKind::Team)));
        assert!(matches!(failed, Err(ApiError::Internal(_))), "{failed:?}");
        // Memory still holds the last state that reached the disk.
        let next = store
            .read(|s| Ok(s.next_ids.get(&IdKind::Team).copied()))
            .expect("read");
        assert_eq!(next, Some(kept + 1));
    }

    #[test]
    fn a_mutation_that_fails_midway_leaves_no_half_change() {
        let store = Store::open(None, Duration::ZERO).expect("open");
        let failed: Result<(), ApiError> = store.write(|s| {
            s.next_id(IdKind::Organisation);
            Err(ApiError::BadRequest("rejected".into()))
        });
        assert!(failed.is_err());
        let next = store
            .read(|s| Ok(s.next_ids.get(&IdKind::Organisation).copied()))
            .expect("read");
        assert_eq!(next, None);
    }

    #[test]
    fn corrupt_data_file_is_an_error_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{not json").expect("write");
        assert!(matches!(
            Store::open(Some(path.clone()), Duration::ZERO),
            Err(SandboxError::ParseData { .. })
        ));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{not json");
    }
}
