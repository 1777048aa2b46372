//! The sandbox's state: every object of every family, the id counters, and the optional JSON
//! data file that keeps them across restarts.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::entity::Entity;
use crate::error::{ApiError, SandboxError};

/// The format version written into the data file. Version 2 stores every object as a JSON
/// object of its API fields (version 1 had typed records; the only difference a file shows is
/// `externalId`, now a number, see `migrate`).
pub(crate) const FORMAT_VERSION: u32 = 2;

/// One stored object: its API field names (`taxNumber`, …) with stored values, `id`, the
/// parent's id under the parent field, and `_async` for objects with a status machine.
pub(crate) type Record = Map<String, Value>;

/// Everything the sandbox knows. In the data file (and `/_sandbox/state`):
/// `{"version": 2, "nextIds": {"organisation": 1002}, "organisations": {"1000": {…}}, "teams": {}}`,
/// one collection per entity, keyed by its plural.
#[derive(Debug, Default, Clone)]
pub(crate) struct State {
    /// The next id to hand out per entity kind; kept across `reset` so ids are never reused.
    pub(crate) next_ids: BTreeMap<String, u64>,
    /// Per entity plural, the objects by id.
    pub(crate) objects: BTreeMap<&'static str, BTreeMap<u64, Record>>,
}

impl State {
    /// An empty state with one (empty) collection per entity.
    pub(crate) fn new(entities: &[&'static Entity]) -> Self {
        State {
            next_ids: BTreeMap::new(),
            objects: entities.iter().map(|e| (e.plural, BTreeMap::new())).collect(),
        }
    }

    pub(crate) fn next_id(&mut self, entity: &Entity) -> u64 {
        let next = self.next_ids.entry(entity.kind.to_string()).or_insert(entity.first_id);
        let id = *next;
        *next += 1;
        id
    }

    /// The objects of one entity (empty for an entity the state does not know).
    pub(crate) fn all(&self, entity: &Entity) -> impl Iterator<Item = (&u64, &Record)> {
        self.objects.get(entity.plural).into_iter().flatten()
    }

    pub(crate) fn get(&self, entity: &Entity, id: u64) -> Option<&Record> {
        self.objects.get(entity.plural)?.get(&id)
    }

    pub(crate) fn collection(&mut self, entity: &'static Entity) -> &mut BTreeMap<u64, Record> {
        self.objects.entry(entity.plural).or_default()
    }

    /// Drops every object but keeps the id counters.
    fn clear(&mut self) {
        for objects in self.objects.values_mut() {
            objects.clear();
        }
    }
}

impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("version", &FORMAT_VERSION)?;
        map.serialize_entry("nextIds", &self.next_ids)?;
        for (plural, objects) in &self.objects {
            map.serialize_entry(plural, objects)?;
        }
        map.end()
    }
}

/// The data file as read, before `migrate` and the conversion to `State`.
#[derive(Deserialize)]
#[serde(
    rename_all = "camelCase",
    expecting = "a JSON object of collections, such as {\"version\": 2, \"organisations\": {}}"
)]
struct File {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    next_ids: BTreeMap<String, u64>,
    #[serde(flatten)]
    collections: BTreeMap<String, Value>,
}

/// Brings a file of an older format to the current one, in place.
///
/// Version 1 (and files without a version) stored `externalId` as the decimal text of an
/// integer; version 2 stores the number, as the form now does.
fn migrate(file: &mut File) -> Result<(), String> {
    if file.version > FORMAT_VERSION {
        return Err(format!(
            "format version {} is newer than this sandbox's ({FORMAT_VERSION})",
            file.version
        ));
    }
    if file.version < 2 {
        let orgs = file.collections.get_mut("organisations").and_then(Value::as_object_mut);
        for org in orgs.into_iter().flat_map(|m| m.values_mut()) {
            if let Some(slot) = org.get_mut("externalId") {
                if let Some(n) = slot.as_str().and_then(|t| t.parse::<i64>().ok()) {
                    *slot = Value::from(n);
                }
            }
        }
    }
    file.version = FORMAT_VERSION;
    Ok(())
}

/// The state of a (migrated) file. Collections of entities this sandbox does not serve are an
/// error rather than silently dropped on the next write. Fields an older file lacks get their
/// declared defaults.
fn from_file(mut file: File, entities: &[&'static Entity]) -> Result<State, String> {
    migrate(&mut file)?;
    let mut state = State::new(entities);
    state.next_ids = file.next_ids;
    for (plural, objects) in file.collections {
        let entity = entities
            .iter()
            .find(|e| e.plural == plural)
            .ok_or_else(|| format!("unknown collection {plural:?}"))?;
        let objects: BTreeMap<u64, Record> = serde_json::from_value(objects).map_err(|e| format!("{plural}: {e}"))?;
        // A file written by hand may leave out `nextIds` or the objects' own `id`: the key is the
        // id, and new ids continue after the highest one, so no object is ever overwritten.
        if let Some(last) = objects.keys().next_back() {
            let next = state.next_ids.entry(entity.kind.to_string()).or_insert(entity.first_id);
            *next = (*next).max(last.saturating_add(1));
        }
        let collection = state.collection(entity);
        for (id, mut record) in objects {
            entity.fill_defaults(&mut record);
            record.insert("id".to_string(), Value::from(id));
            collection.insert(id, record);
        }
    }
    Ok(state)
}

/// The shared store: one mutex around the whole state (the sandbox serves one user's tests, so
/// contention is not a concern, and one lock makes cross-family invariants trivial).
pub(crate) struct Store {
    state: Mutex<State>,
    data_file: Option<PathBuf>,
    async_duration: Duration,
    /// The data file's lock, held while the store lives (see `lock_data_file`).
    _lock: Option<DataLock>,
}

/// The lock of a data file (`.NAME.lock` beside it), held while the store lives. Its file is
/// removed when the sandbox stops gracefully, while still locked: a sandbox that opened it just
/// before then locks a file no longer at that path, sees so and takes the path's new file
/// (`lock_data_file`), so two sandboxes never hold two locks of one name. A sandbox killed
/// outright leaves the file, which the next one locks as it is.
pub(crate) struct DataLock {
    _file: std::fs::File,
    path: PathBuf,
}

impl Drop for DataLock {
    fn drop(&mut self) {
        if let Err(e) = std::fs::remove_file(&self.path) {
            tracing::warn!("could not remove the lock file {}: {e}", self.path.display());
        }
    }
}

/// Whether `file` is still the file at `path` (it may have been removed, or replaced, since it
/// was opened).
#[cfg(unix)]
fn still_at(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

/// Elsewhere an open file cannot be removed, so it is still there.
#[cfg(not(unix))]
fn still_at(_: &std::fs::File, _: &Path) -> bool {
    true
}

impl Store {
    /// Opens the store, loading `data_file` when it exists and creating it otherwise (so that an
    /// unwritable location fails at startup, not on the first request).
    pub(crate) fn open(
        data_file: Option<PathBuf>,
        async_duration: Duration,
        entities: &[&'static Entity],
    ) -> Result<Self, SandboxError> {
        let lock = data_file.as_deref().map(lock_data_file).transpose()?;
        let state = match &data_file {
            Some(path) => load(path, entities)?,
            None => State::new(entities),
        };
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
            _lock: lock,
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

    /// How long asynchronous objects stay in transitional statuses (`--async-ms`).
    pub(crate) fn async_duration(&self) -> Duration {
        self.async_duration
    }
}

/// The transitional statuses of one kind of asynchronous action (seed L21–47 vocabulary).
/// Objects with a status machine store the phase of their last action and when it started
/// (`_async` in the data file) and compute the status on every read, so no background task is
/// needed and the data file stays consistent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) enum Phase {
    Create,
    Update,
    Delete,
}

impl Phase {
    pub(crate) const ALL: [Phase; 3] = [Phase::Create, Phase::Update, Phase::Delete];

    /// The first half of the duration shows the queued status, the second half the running one,
    /// then the final status (`failed` when the action was made to fail, see `fail-next`).
    pub(crate) fn status_at(self, elapsed_ms: u64, duration: Duration, failed: bool) -> &'static str {
        let total = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
        let (queued, running) = match self {
            Phase::Create => ("to_create", "creating"),
            Phase::Update => ("to_update", "updating"),
            Phase::Delete => ("to_delete", "deleting"),
        };
        if elapsed_ms >= total {
            if failed {
                self.failed_status()
            } else {
                self.done_status()
            }
        } else if elapsed_ms < total / 2 {
            queued
        } else {
            running
        }
    }

    /// The status a finished action leaves.
    pub(crate) fn done_status(self) -> &'static str {
        match self {
            Phase::Create | Phase::Update => "ok",
            Phase::Delete => "deleted",
        }
    }

    /// The status of a failed action. Seed L21–47 spells them unevenly: CREATING_FAILED,
    /// UPDATE_FAILED, DELETING_FAILED.
    pub(crate) fn failed_status(self) -> &'static str {
        match self {
            Phase::Create => "creating_failed",
            Phase::Update => "update_failed",
            Phase::Delete => "deleting_failed",
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

fn load(path: &Path, entities: &[&'static Entity]) -> Result<State, SandboxError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(State::new(entities)),
        Err(source) => {
            return Err(SandboxError::ReadData {
                path: path.display().to_string(),
                source,
            })
        }
    };
    // An empty file (e.g. made with `touch` or `mktemp`) is an empty sandbox.
    if text.trim().is_empty() {
        return Ok(State::new(entities));
    }
    let parse_error = |source| SandboxError::ParseData {
        path: path.display().to_string(),
        source,
    };
    let file: File = serde_json::from_str(&text).map_err(parse_error)?;
    from_file(file, entities).map_err(|message| parse_error(serde::de::Error::custom(message)))
}

/// Takes the exclusive lock of `path`'s data file, so two sandboxes never share one: each would
/// keep its own state and overwrite the other's writes. The lock is a file beside the data file
/// (`.NAME.lock`), since every save renames a new file over the data file itself; the system
/// releases it when the process ends, however it ends, and a graceful stop removes the file
/// (`DataLock`). A lock taken on a file removed in the meantime is no lock of the path: the
/// path's file is opened and locked afresh.
fn lock_data_file(path: &Path) -> Result<DataLock, SandboxError> {
    // A directory is no data file: said before a lock file is left beside it.
    if path.is_dir() {
        return Err(SandboxError::ReadData {
            path: path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory; name a file in it, such as sandbox.json",
            ),
        });
    }
    let lock_path = sibling(path, "lock");
    let in_use = || SandboxError::DataInUse {
        path: path.display().to_string(),
        lock: lock_path.display().to_string(),
    };
    // Each new try follows another sandbox's removal of the file: a few are plenty.
    for _ in 0..8 {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|source| SandboxError::WriteData {
                path: path.display().to_string(),
                source,
            })?;
        match file.try_lock() {
            Ok(()) if still_at(&file, &lock_path) => {
                remove_stale_temporaries(path);
                return Ok(DataLock {
                    _file: file,
                    path: lock_path,
                });
            }
            // Its sandbox stopped and removed it between our open and our lock.
            Ok(()) => continue,
            Err(std::fs::TryLockError::WouldBlock) => return Err(in_use()),
            Err(std::fs::TryLockError::Error(source)) => {
                return Err(SandboxError::WriteData {
                    path: path.display().to_string(),
                    source,
                })
            }
        }
    }
    Err(in_use())
}

/// Removes the temporary files (`.NAME.PID.tmp`) a sandbox killed while saving left beside the
/// data file. Only with the lock held: no other sandbox is writing one.
fn remove_stale_temporaries(path: &Path) {
    let prefix = sibling(path, "");
    let (Some(dir), Some(prefix)) = (prefix.parent(), prefix.file_name().and_then(|n| n.to_str())) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let pid = name.strip_prefix(prefix).and_then(|rest| rest.strip_suffix(".tmp"));
        if pid.is_some_and(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())) {
            if let Err(e) = std::fs::remove_file(entry.path()) {
                tracing::warn!("could not remove the stale temporary file {name}: {e}");
            }
        }
    }
}

/// `.NAME.SUFFIX` in the data file's directory.
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "sandbox.json".to_string());
    dir.join(format!(".{name}.{suffix}"))
}

/// Writes `state` atomically: a temporary file in the same directory, synced, then renamed over
/// the target, so a crash leaves either the old or the new content, never half of one.
fn save(path: &Path, state: &State) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(state).map_err(std::io::Error::other)?;
    let tmp = sibling(path, &format!("{}.tmp", std::process::id()));
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
    use crate::organisations::ORGANISATION;
    use crate::teams::TEAM;
    use crate::ENTITIES;

    fn open(path: Option<PathBuf>) -> Result<Store, SandboxError> {
        Store::open(path, Duration::ZERO, ENTITIES)
    }

    #[test]
    fn ids_start_per_kind_and_survive_clear() {
        let mut state = State::new(ENTITIES);
        assert_eq!(state.next_id(&ORGANISATION), 1000);
        assert_eq!(state.next_id(&ORGANISATION), 1001);
        assert_eq!(state.next_id(&TEAM), 5000);
        state.clear();
        assert_eq!(state.next_id(&ORGANISATION), 1002);
    }

    #[test]
    fn async_status_moves_through_phases() {
        let d = Duration::from_millis(100);
        assert_eq!(Phase::Create.status_at(0, d, false), "to_create");
        assert_eq!(Phase::Create.status_at(60, d, false), "creating");
        assert_eq!(Phase::Create.status_at(100, d, false), "ok");
        assert_eq!(Phase::Create.status_at(100, d, true), "creating_failed");
        assert_eq!(Phase::Update.status_at(10, d, false), "to_update");
        assert_eq!(Phase::Update.status_at(100, d, true), "update_failed");
        assert_eq!(Phase::Delete.status_at(70, d, false), "deleting");
        assert_eq!(Phase::Delete.status_at(100, d, false), "deleted");
        assert_eq!(Phase::Update.status_at(0, Duration::ZERO, false), "ok");
    }

    #[test]
    fn data_file_round_trips_and_empty_file_is_empty_state() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, "").expect("touch");
        let store = open(Some(path.clone())).expect("open");
        let id = store.write(|s| Ok(s.next_id(&TEAM))).expect("write");
        drop(store);
        let text = std::fs::read_to_string(&path).expect("read back");
        let file: Value = serde_json::from_str(&text).expect("parse");
        assert_eq!(file["version"], FORMAT_VERSION);
        assert_eq!(file["nextIds"]["team"], id + 1);
        assert_eq!(file["organisations"], serde_json::json!({}));
        // No temporary file is left behind.
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
    }

    /// A data file as version 1 of the sandbox wrote it (typed records, `externalId` as text).
    const VERSION_1: &str = r#"{
      "version": 1,
      "nextIds": {"organisation": 1002, "team": 5001},
      "organisations": {
        "1000": {"id": 1000, "name": "Old", "taxNumber": "BE1", "resellerOrganisation": null,
                 "parentOrganisation": "level27", "externalId": "77", "street": null,
                 "houseNumber": null, "zip": null, "city": "Gent", "country": "BE",
                 "externalInfoRequired": 0, "agencyMode": 0, "organisationType": null,
                 "remarksToPrintInvoice": null, "required2fa": false, "resellerKickback": null,
                 "defaultResellerKickback": null, "paymentperiod": 30, "commissionFactor": null,
                 "documentInterval": "0", "source1": null, "source2": null, "mustPayTax": true,
                 "pricegroup": "default", "updateEntitiesOnly": false, "preventDeactivation": false,
                 "pdfInvoice": false, "nextInvoiceRun": "1677628800", "defaultAgreements": null,
                 "bundleProRata": false, "information": null},
        "1001": {"id": 1001, "name": "Sparse", "taxNumber": "BE2", "externalId": "not a number"}
      },
      "teams": {"5000": {"id": 5000, "organisation": 1000, "name": "ops", "adminOnly": true}}
    }"#;

    #[test]
    fn a_version_1_data_file_is_migrated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, VERSION_1).expect("write");
        let store = open(Some(path.clone())).expect("open");
        let (old, sparse, team, next) = store
            .read(|s| {
                let org = |id| s.get(&ORGANISATION, id).cloned().expect("organisation");
                let team = s.get(&TEAM, 5000).cloned().expect("team");
                Ok((org(1000), org(1001), team, s.next_ids.clone()))
            })
            .expect("read");
        // `externalId` is a number now; text that was never a number stays text.
        assert_eq!(old["externalId"], 77);
        assert_eq!(sparse["externalId"], "not a number");
        assert_eq!(old["city"], "Gent");
        assert_eq!(old["country"], "BE");
        // Fields an older record lacks get their defaults.
        assert_eq!(sparse["paymentperiod"], 30);
        assert_eq!(sparse["mustPayTax"], true);
        assert_eq!(team["organisation"], 1000);
        assert_eq!(team["adminOnly"], true);
        assert_eq!(next.get("organisation"), Some(&1002));
        // Opening rewrote the file in the current format.
        let file: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("read")).expect("json");
        assert_eq!(file["version"], FORMAT_VERSION);
        assert_eq!(file["organisations"]["1000"]["externalId"], 77);
    }

    #[test]
    fn newer_formats_and_unknown_collections_are_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        for text in [r#"{"version": 99}"#, r#"{"version": 2, "widgets": {}}"#] {
            std::fs::write(&path, text).expect("write");
            assert!(
                matches!(open(Some(path.clone())), Err(SandboxError::ParseData { .. })),
                "{text}"
            );
            assert_eq!(std::fs::read_to_string(&path).expect("read"), text, "left untouched");
        }
    }

    /// A sandbox killed while writing (SIGKILL, a power cut) leaves its temporary file beside the
    /// data file, never half a data file; the next sandbox on that file removes it.
    #[test]
    fn a_killed_sandbox_s_temporary_file_is_removed_by_the_next() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(
            &path,
            r#"{"organisations": {"1000": {"name": "Kept", "taxNumber": "BE1"}}}"#,
        )
        .expect("write");
        let stale = dir.path().join(".state.json.999999.tmp");
        std::fs::write(&stale, "{\"version\": 2, \"organ").expect("stale");
        let other = dir.path().join(".other.json.999999.tmp");
        std::fs::write(&other, "another file's").expect("other");
        let store = open(Some(path)).expect("open");
        assert!(!stale.exists(), "the stale temporary file is left");
        assert!(
            other.exists(),
            "another data file's temporary file is not this sandbox's"
        );
        let kept = store.read(|s| Ok(s.get(&ORGANISATION, 1000).is_some())).expect("read");
        assert!(kept);
    }

    /// A data file of the wrong shape is refused with a message that says what a data file is,
    /// in the user's terms, never the sandbox's own type names.
    #[test]
    fn a_data_file_of_the_wrong_shape_says_what_is_expected() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        for text in ["[]", "42", r#""state""#] {
            std::fs::write(&path, text).expect("write");
            let message = match open(Some(path.clone())) {
                Err(e @ SandboxError::ParseData { .. }) => e.to_string(),
                Err(e) => panic!("{text}: refused for another reason: {e}"),
                Ok(_) => panic!("{text}: accepted"),
            };
            assert!(message.contains("a JSON object"), "{text}: {message}");
            assert!(!message.contains("struct"), "{text}: {message}");
        }
    }

    #[test]
    fn a_failed_data_file_write_changes_nothing_in_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let sub = dir.path().join("sub");
        std::fs::create_dir(&sub).expect("mkdir");
        let path = sub.join("state.json");
        let store = open(Some(path)).expect("open");
        let kept = store.write(|s| Ok(s.next_id(&TEAM))).expect("first write");
        // The file's directory becomes a regular file: every later save fails, even as root.
        std::fs::remove_dir_all(&sub).expect("rm");
        std::fs::write(&sub, "not a directory").expect("file");
        let failed = store.write(|s| Ok(s.next_id(&TEAM)));
        assert!(matches!(failed, Err(ApiError::Internal(_))), "{failed:?}");
        // Memory still holds the last state that reached the disk.
        let next = store.read(|s| Ok(s.next_ids.get("team").copied())).expect("read");
        assert_eq!(next, Some(kept + 1));
    }

    #[test]
    fn a_mutation_that_fails_midway_leaves_no_half_change() {
        let store = open(None).expect("open");
        let failed: Result<(), ApiError> = store.write(|s| {
            s.next_id(&ORGANISATION);
            Err(ApiError::BadRequest("rejected".into()))
        });
        assert!(failed.is_err());
        let next = store
            .read(|s| Ok(s.next_ids.get("organisation").copied()))
            .expect("read");
        assert_eq!(next, None);
    }

    /// A data file written by hand (a CI fixture) names its objects but not `nextIds`, or a
    /// `nextIds` behind them: new objects still get new ids, never one of the file's.
    #[test]
    fn ids_continue_after_the_objects_of_a_hand_written_data_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(
            &path,
            r#"{"organisations": {"1000": {"name": "Fixture", "taxNumber": "BE1"},
                                 "1005": {"name": "Other", "taxNumber": "BE2"}},
               "nextIds": {"team": 4000},
               "teams": {"5003": {"organisation": 1000, "name": "ops"}}}"#,
        )
        .expect("write");
        let store = open(Some(path)).expect("open");
        let (org, team) = store
            .write(|s| Ok((s.next_id(&ORGANISATION), s.next_id(&TEAM))))
            .expect("write");
        assert_eq!(org, 1006);
        assert_eq!(team, 5004);
        let fixture = store
            .read(|s| Ok(s.get(&ORGANISATION, 1000).cloned()))
            .expect("read")
            .expect("the fixture is kept");
        assert_eq!(fixture["name"], "Fixture");
        // The stored object carries its id, as objects the API made do.
        assert_eq!(fixture["id"], 1000);
    }

    /// Two sandboxes on one data file would each keep their own state and overwrite the
    /// other's writes (the same ids handed out twice, objects lost): the second is refused while
    /// the first runs, and accepted once it has stopped.
    #[test]
    fn a_data_file_serves_one_sandbox_at_a_time() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let first = open(Some(path.clone())).expect("first");
        first.write(|s| Ok(s.next_id(&ORGANISATION))).expect("write");
        let before = std::fs::read_to_string(&path).expect("read");
        match open(Some(path.clone())) {
            Err(e @ SandboxError::DataInUse { .. }) => {
                assert!(e.to_string().contains("in use by another level27-sandbox"), "{e}")
            }
            Err(e) => panic!("refused for another reason: {e}"),
            Ok(_) => panic!("a second sandbox opened a data file in use"),
        }
        assert_eq!(std::fs::read_to_string(&path).expect("read"), before, "left untouched");
        let lock = dir.path().join(".state.json.lock");
        assert!(lock.exists(), "held beside the data file");
        drop(first);
        assert!(!lock.exists(), "removed when the sandbox stops");
        let again = open(Some(path)).expect("free once the first has stopped");
        let next = again.write(|s| Ok(s.next_id(&ORGANISATION))).expect("write");
        assert_eq!(next, 1001);
    }

    /// A lock taken on a lock file that its sandbox removed in the meantime (it stopped between
    /// this one's open and lock) is not kept: the path's own file is locked, so that a third
    /// sandbox is refused rather than locking a second file of the same name.
    #[test]
    #[cfg(unix)]
    fn a_lock_file_removed_before_it_was_locked_is_not_the_lock() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        let lock_path = dir.path().join(".state.json.lock");
        let stale = std::fs::File::create(&lock_path).expect("create");
        std::fs::remove_file(&lock_path).expect("remove");
        assert!(!still_at(&stale, &lock_path), "a removed file is not at its path");
        std::fs::write(&lock_path, "").expect("a new file at the path");
        assert!(!still_at(&stale, &lock_path), "nor is a replaced one");
        let held = lock_data_file(&path).expect("lock");
        assert!(still_at(&held._file, &lock_path));
        assert!(matches!(lock_data_file(&path), Err(SandboxError::DataInUse { .. })));
    }

    #[test]
    fn corrupt_data_file_is_an_error_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state.json");
        std::fs::write(&path, "{not json").expect("write");
        assert!(matches!(open(Some(path.clone())), Err(SandboxError::ParseData { .. })));
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{not json");
    }

    #[test]
    fn a_directory_is_refused_as_a_data_file_and_left_as_it_was() {
        let dir = tempfile::tempdir().expect("tempdir");
        let data = dir.path().join("state");
        std::fs::create_dir(&data).expect("mkdir");
        match open(Some(data.clone())) {
            Err(e @ SandboxError::ReadData { .. }) => {
                assert!(e.to_string().contains("it is a directory; name a file in it"), "{e}")
            }
            Err(e) => panic!("refused for another reason: {e}"),
            Ok(_) => panic!("a directory was opened as a data file"),
        }
        let left: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(
            left,
            vec![std::ffi::OsString::from("state")],
            "no lock file left beside it"
        );
    }
}
