//! Lists read once and shared between the operations of one provider process.
//!
//! A refresh of N urls of one app, or N records of one domain, reads the app's url list or the
//! domain's record list once (paged), and every resource answers from it. The same list serves
//! plan-time lookups (a vm's configuration limits). Any write made through the engine empties the
//! cache, so a read-back after create or update never sees a list from before it, except for the
//! catalogues a source declares (regions, configurations: the API does not change them during a
//! run), read once per process by data sources and plan checks alike. Whether an
//! object exists (a plan's check that an `organisation_id` names one) is asked once too.

use super::ListSource;
use level27_client::{Client, Error as ApiError};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use tokio::sync::OnceCell;

/// One read shared by the callers asking at the same time: its answer, or its error.
type Slot<T> = Arc<OnceCell<Result<Arc<T>, ApiError>>>;
type ListSlot = Slot<Listing>;
type ObjectSlot = Slot<Json>;
type ExistenceSlot = Arc<OnceCell<Existence>>;

/// What one GET of an object said about it ([`SharedReads::exists`]).
#[derive(Clone, Debug)]
pub enum Existence {
    /// The object's answer (for checks of what it holds: a network's zones).
    Found(Arc<Json>),
    /// The object's own 404 (not the router's): the error as the client words it.
    Missing(String),
    /// Nothing about the object (403, 5xx, a route the API lacks, no connection): the error.
    Unanswered(String),
    /// Nothing about any object: the provider's key is rejected ([`ApiError::is_misconfiguration`]).
    Misconfigured(ApiError),
}

#[derive(Default)]
pub struct SharedReads {
    lists: Mutex<HashMap<String, ListSlot>>,
    objects: Mutex<HashMap<String, ObjectSlot>>,
    /// Lists the API answered 404 for (their parent is gone), with the API's message: the N
    /// records of a deleted domain learn it from one GET, not N.
    missing: Mutex<HashMap<String, String>>,
    existence: Mutex<HashMap<String, ExistenceSlot>>,
    /// Objects read for fields fixed for their life ([`SharedReads::lasting`]): kept across writes.
    lasting: Mutex<HashMap<String, ObjectSlot>>,
    /// Lists the API does not change during a run ([`SharedReads::catalogue`]): kept across writes.
    catalogues: Mutex<HashMap<String, ListSlot>>,
}

impl SharedReads {
    /// The whole list at `path` (every page), fetched at most once until the next write; callers
    /// asking for the same list at the same time wait for one request and share its answer, a
    /// failure too (the N records of a zone refreshed while the API is down wait for one round of
    /// retries, not N in turn). A failure is not kept: a caller coming after it tries again.
    pub async fn list(&self, client: &Client, path: &str, plural: &str) -> Result<Arc<Listing>, ApiError> {
        if let Some(listing) = self.catalogued(path, plural) {
            return Ok(listing);
        }
        self.read(client, path, plural, true).await
    }

    /// The whole list at `path` for a source that declares it a catalogue (regions, their zones
    /// and images, system configurations): objects the API does not change during a run, so
    /// one read per process serves every data source and plan check asking, kept across writes
    /// (an apply's plans after its first create read nothing again). Shared and, failed, not
    /// kept, as in [`SharedReads::list`].
    pub async fn catalogue(&self, client: &Client, path: &str, plural: &str) -> Result<Arc<Listing>, ApiError> {
        let key = format!("{path} {plural}");
        read_once(&self.catalogues, &key, || async {
            client.list(path, plural, &[]).await.map(Listing::new)
        })
        .await
    }

    /// A catalogue read already (and not failed).
    fn catalogued(&self, path: &str, plural: &str) -> Option<Arc<Listing>> {
        let catalogues = self.catalogues.lock().unwrap_or_else(|p| p.into_inner());
        match catalogues.get(&format!("{path} {plural}"))?.get()? {
            Ok(listing) => Some(listing.clone()),
            Err(_) => None,
        }
    }

    /// The whole list at `path`, when this process has read it since the last write (a
    /// refresh's), without asking the API: a data source filtering it locally answers from it.
    pub fn cached(&self, path: &str, plural: &str) -> Option<Arc<Listing>> {
        if let Some(listing) = self.catalogued(path, plural) {
            return Some(listing);
        }
        let lists = self.lists.lock().unwrap_or_else(|p| p.into_inner());
        match lists.get(&format!("{path} {plural}"))?.get()? {
            Ok(listing) => Some(listing.clone()),
            Err(_) => None,
        }
    }

    /// The items of a secondary-read source at `path` (its placeholders filled): paged, or in one
    /// GET for a list the API answers whole; shared as [`SharedReads::list`] is.
    pub async fn source(&self, client: &Client, path: &str, source: &ListSource) -> Result<Arc<Listing>, ApiError> {
        self.read(client, path, source.plural, source.paged).await
    }

    async fn read(&self, client: &Client, path: &str, plural: &str, paged: bool) -> Result<Arc<Listing>, ApiError> {
        let key = format!("{path} {plural}");
        if let Some(message) = self.missing.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Err(ApiError::NotFound {
                method: "GET".to_string(),
                path: path.to_string(),
                message: message.clone(),
            });
        }
        let read = read_once(&self.lists, &key, || async {
            let items = if paged {
                client.list(path, plural, &[]).await
            } else {
                client.list_whole(path, plural).await
            };
            items.map(Listing::new)
        })
        .await;
        if let Err(ApiError::NotFound { message, .. }) = &read {
            let mut missing = self.missing.lock().unwrap_or_else(|p| p.into_inner());
            missing.insert(key, message.clone());
        }
        read
    }

    /// The whole answer at `path` for an endpoint that answers one object rather than a list
    /// (the map of `/appcomponenttypes`), shared as [`SharedReads::list`] is.
    pub async fn object(&self, client: &Client, path: &str) -> Result<Arc<Json>, ApiError> {
        read_once(&self.objects, path, || client.get(path)).await
    }

    /// The answer at `path` for a caller that reads only fields fixed for the object's life (a
    /// domain's full name): one GET per process, kept across writes, so an apply's plans of many
    /// records of one domain read it once. A failure is shared and not kept, as in [`SharedReads::list`].
    pub async fn lasting(&self, client: &Client, path: &str) -> Result<Arc<Json>, ApiError> {
        read_once(&self.lasting, path, || client.get(path)).await
    }

    /// Whether the object at `path` exists: one GET at most, however many resources ask (those
    /// asking at the same time wait for the one request). Never an error: a lookup that says
    /// nothing about the object is [`Existence::Unanswered`], for the caller to let pass.
    pub async fn exists(&self, client: &Client, path: &str) -> Existence {
        let slot = {
            let mut existence = self.existence.lock().unwrap_or_else(|p| p.into_inner());
            existence.entry(path.to_string()).or_default().clone()
        };
        slot.get_or_init(|| async {
            match client.get(path).await {
                Ok(answer) => Existence::Found(Arc::new(answer)),
                Err(e) if e.is_not_found() => Existence::Missing(e.to_string()),
                Err(e) if e.is_misconfiguration() => Existence::Misconfigured(e),
                Err(e) => Existence::Unanswered(e.to_string()),
            }
        })
        .await
        .clone()
    }

    /// Forgets every list and object (after a write) but the `lasting` ones and catalogues. Objects found to
    /// exist stay known: the apply's plans of a run's later resources (each after some write)
    /// then ask nothing again, and should one have been deleted since, the apply finds out as it
    /// would without the check.
    pub fn invalidate(&self) {
        self.lists.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.objects.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.missing.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.existence
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, slot| matches!(slot.get(), Some(Existence::Found(_))));
    }

    /// The item of a list whose `field` equals `id` (a number or numeric string in the API). A
    /// `[]` step matches any element of an array: with `domaintypes[].id`, the provider one of
    /// whose domain types has that id. A scan: for a shared list use [`Listing::find`].
    pub fn find<'a>(items: &'a [Json], field: &str, id: &str) -> Option<&'a Json> {
        items.iter().find(|item| holds(item, field, id))
    }
}

/// The answer under `key`, from `cache` or one `fetch` that callers asking at the same time share,
/// whether it succeeds or fails. A failure is not kept: callers coming after it fetch again.
async fn read_once<T, F, Fut>(cache: &Mutex<HashMap<String, Slot<T>>>, key: &str, fetch: F) -> Result<Arc<T>, ApiError>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let slot = {
        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
        cache.entry(key.to_string()).or_default().clone()
    };
    let read = slot.get_or_init(|| async { fetch().await.map(Arc::new) }).await.clone();
    if read.is_err() {
        let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.get(key).is_some_and(|kept| Arc::ptr_eq(kept, &slot)) {
            cache.remove(key);
        }
    }
    read
}

/// A list read once and shared, with an index per key field built on its first lookup: the N
/// resources a refresh answers from one list of N items (the records of a zone) then cost N hash
/// lookups instead of N²/2 comparisons (125 000 for 500 records, 12.5 million for 5 000).
pub struct Listing {
    items: Vec<Json>,
    indexes: Mutex<HashMap<String, Arc<HashMap<String, usize>>>>,
}

impl Listing {
    pub fn new(items: Vec<Json>) -> Self {
        Listing {
            items,
            indexes: Mutex::default(),
        }
    }

    /// [`SharedReads::find`] through the index of `field`: the first item holding `id`.
    pub fn find(&self, field: &str, id: &str) -> Option<&Json> {
        self.position(field, id).and_then(|i| self.items.get(i))
    }

    /// Where [`Listing::find`]'s item is in the list.
    pub fn position(&self, field: &str, id: &str) -> Option<usize> {
        let index = {
            let mut indexes = self.indexes.lock().unwrap_or_else(|p| p.into_inner());
            // Looked up before `entry`, whose owned key would cost an allocation per lookup.
            match indexes.get(field) {
                Some(index) => index.clone(),
                None => {
                    let index = Arc::new(index_by(&self.items, field));
                    indexes.insert(field.to_string(), index.clone());
                    index
                }
            }
        };
        index.get(id).copied()
    }
}

impl std::ops::Deref for Listing {
    type Target = [Json];
    fn deref(&self) -> &[Json] {
        &self.items
    }
}

/// Every id text `field` holds in each item, to the position of the first item holding it.
fn index_by(items: &[Json], field: &str) -> HashMap<String, usize> {
    let mut index = HashMap::with_capacity(items.len());
    let mut ids = Vec::new();
    for (i, item) in items.iter().enumerate() {
        ids.clear();
        ids_of(item, field, &mut ids);
        for id in ids.drain(..) {
            index.entry(id).or_insert(i);
        }
    }
    index
}

/// The id texts `field` of `item` holds: one, or through a `[]` step one per element.
fn ids_of(item: &Json, field: &str, out: &mut Vec<String>) {
    match field.split_once("[].") {
        Some((list, rest)) => {
            for e in super::mapping::lookup(item, list).as_array().into_iter().flatten() {
                ids_of(e, rest, out);
            }
        }
        None => out.extend(id_text(super::mapping::lookup(item, field))),
    }
}

/// Whether `field` of `item` is `id`, or (through a `[]` step) holds it in one of its elements.
fn holds(item: &Json, field: &str, id: &str) -> bool {
    match field.split_once("[].") {
        Some((list, rest)) => super::mapping::lookup(item, list)
            .as_array()
            .is_some_and(|elements| elements.iter().any(|e| holds(e, rest, id))),
        None => id_text(super::mapping::lookup(item, field)).as_deref() == Some(id),
    }
}

/// An id as the API may spell it: a number, a numeric string, or an object with an `id`.
pub(crate) fn id_text(v: &Json) -> Option<String> {
    match v {
        Json::Number(n) => Some(n.to_string()),
        Json::String(s) => Some(s.clone()),
        Json::Object(_) => id_text(super::mapping::lookup(v, "id")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_found_by_numeric_string_or_nested_id() {
        let items = vec![
            json!({"id": 5, "name": "a"}),
            json!({"id": "6", "name": "b"}),
            json!({"id": {"id": 7}, "name": "c"}),
        ];
        assert_eq!(SharedReads::find(&items, "id", "5").unwrap()["name"], "a");
        assert_eq!(SharedReads::find(&items, "id", "6").unwrap()["name"], "b");
        assert_eq!(SharedReads::find(&items, "id", "7").unwrap()["name"], "c");
        assert!(SharedReads::find(&items, "id", "8").is_none());
    }

    #[test]
    fn a_listing_finds_what_a_scan_finds() {
        let items = vec![
            json!({"id": 5, "name": "a", "domaintypes": [{"id": 364}]}),
            json!({"id": "6", "name": "b", "domaintypes": []}),
            json!({"id": {"id": 7}, "name": "c", "domaintypes": [{"id": 1}, {"id": "75"}]}),
            json!({"id": 5, "name": "second 5", "domaintypes": [{"id": 364}]}),
            json!({"name": "no id"}),
        ];
        let listing = Listing::new(items.clone());
        for field in ["id", "domaintypes[].id", "name"] {
            for id in ["5", "6", "7", "8", "364", "75", "1", "a", "no id", ""] {
                assert_eq!(
                    listing.find(field, id),
                    SharedReads::find(&items, field, id),
                    "{field} = {id:?}"
                );
            }
        }
        // The first item holding an id wins, as in a scan.
        assert_eq!(listing.find("id", "5").unwrap()["name"], "a");
        assert_eq!(listing.len(), 5, "the listing reads as its items");
    }

    #[test]
    fn items_are_found_by_an_element_of_one_of_their_lists() {
        // Seed L21716: a provider lists its domain types.
        let providers = vec![
            json!({"id": 2, "name": "Dcube", "domaintypes": []}),
            json!({"id": 1, "name": "DNS Belgium", "domaintypes": [{"id": 364, "extension": "be"}]}),
            json!({"id": 4, "name": "Key Systems", "domaintypes": [{"id": 1}, {"id": "75"}]}),
        ];
        let find = |id| SharedReads::find(&providers, "domaintypes[].id", id).map(|p| p["name"].clone());
        assert_eq!(find("364"), Some(json!("DNS Belgium")));
        assert_eq!(find("75"), Some(json!("Key Systems")));
        assert_eq!(find("2"), None, "the provider's own id is not one of its types");
    }

    #[tokio::test]
    async fn a_list_whose_parent_is_gone_is_asked_for_once_until_the_next_write() {
        use crate::framework::test_support::FakeApi;
        let api = FakeApi::start(|_| (404, serde_json::json!({"code": 404, "message": "Domain is not found"}))).await;
        let reads = SharedReads::default();
        for _ in 0..3 {
            let Err(err) = reads.list(&api.client, "/domains/9/records", "records").await else {
                panic!("the domain is gone, yet its records were listed");
            };
            assert!(err.is_not_found(), "{err:?}");
            assert!(err.to_string().contains("Domain is not found"), "{err}");
        }
        assert_eq!(api.seen().len(), 1, "the 404 was asked for again: {:?}", api.lines());
        // After a write the parent may exist again: asked anew.
        reads.invalidate();
        let again = reads.list(&api.client, "/domains/9/records", "records").await;
        assert!(again.is_err());
        assert_eq!(api.seen().len(), 2);
    }

    #[tokio::test]
    async fn callers_asking_at_once_for_a_gone_list_share_its_one_404() {
        use crate::framework::test_support::FakeApi;
        // A refresh of a deleted domain's records asks for its list from Terraform's ten
        // concurrent operations at once: they wait for one request, 404 included.
        let api = FakeApi::start(|_| (404, json!({"code": 404, "message": "Domain is not found"}))).await;
        let reads = SharedReads::default();
        let asks = (0..10).map(|_| reads.list(&api.client, "/domains/9/records", "records"));
        for read in futures_util::future::join_all(asks).await {
            assert!(read.is_err_and(|e| e.is_not_found()));
        }
        assert_eq!(api.seen().len(), 1, "{:?}", api.lines());
    }

    #[tokio::test]
    async fn callers_asking_at_once_share_a_failure_and_later_callers_ask_again() {
        use crate::framework::test_support::FakeApi;
        // The API down in the middle of a refresh of N records: each of them waiting for its own
        // round of retries made a plan last N times as long, for N copies of the one error.
        let api = FakeApi::start(|_| (500, json!({"code": 500, "message": "Internal error"}))).await;
        let reads = SharedReads::default();
        let asks = (0..10).map(|_| reads.list(&api.client, "/domains/9/records", "records"));
        for read in futures_util::future::join_all(asks).await {
            assert!(read.is_err_and(|e| e.status() == Some(500)));
        }
        assert_eq!(api.seen().len(), 1, "{:?}", api.lines());
        let objects = (0..10).map(|_| reads.lasting(&api.client, "/domains/9"));
        for read in futures_util::future::join_all(objects).await {
            assert!(read.is_err_and(|e| e.status() == Some(500)));
        }
        assert_eq!(api.seen().len(), 2, "{:?}", api.lines());
        // A failure is not kept: the API may be back for the next caller.
        assert!(reads.list(&api.client, "/domains/9/records", "records").await.is_err());
        assert!(reads.lasting(&api.client, "/domains/9").await.is_err());
        assert_eq!(api.seen().len(), 4, "{:?}", api.lines());
    }

    #[tokio::test]
    async fn a_catalogue_is_read_once_across_writes_and_serves_plain_lists_too() {
        use crate::framework::test_support::FakeApi;
        let api = FakeApi::start(|req| {
            let page = crate::framework::test_support::page(req, "regions", &[json!({"id": 1, "name": "be"})]);
            (200, page)
        })
        .await;
        let reads = SharedReads::default();
        let asks = (0..5).map(|_| reads.catalogue(&api.client, "/regions", "regions"));
        for read in futures_util::future::join_all(asks).await {
            assert_eq!(read.unwrap().len(), 1);
        }
        // One read: its pages, up to the first empty one.
        let read = api.seen().len();
        assert_eq!(api.lines(), vec!["GET /regions"; read]);
        assert!(read <= 2, "{:?}", api.lines());
        // A write forgets lists, not catalogues: a plain read and a data source's find it.
        reads.invalidate();
        assert!(reads.catalogue(&api.client, "/regions", "regions").await.is_ok());
        assert!(reads.list(&api.client, "/regions", "regions").await.is_ok());
        assert!(reads.cached("/regions", "regions").is_some());
        assert_eq!(api.seen().len(), read, "{:?}", api.lines());
        // Another list is no catalogue: read, and read again after a write.
        reads.list(&api.client, "/zones", "regions").await.unwrap();
        reads.invalidate();
        reads.list(&api.client, "/zones", "regions").await.unwrap();
        assert_eq!(api.seen().len(), 3 * read, "{:?}", api.lines());
    }

    #[tokio::test]
    async fn what_exists_stays_known_across_writes_and_what_does_not_is_asked_again() {
        use crate::framework::test_support::FakeApi;
        let api = FakeApi::start(|req| match req.path.as_str() {
            "/organisations/7" => (200, json!({"organisation": {"id": 7}})),
            "/organisations/8" => (500, json!({"code": 500, "message": "Oops"})),
            _ => (404, json!({"code": 404, "message": "Organisation not found"})),
        })
        .await;
        let reads = SharedReads::default();
        let ask = |path: &'static str| reads.exists(&api.client, path);
        assert!(matches!(ask("/organisations/7").await, Existence::Found(_)));
        assert!(matches!(ask("/organisations/8").await, Existence::Unanswered(e) if e.contains("500")));
        assert!(matches!(ask("/organisations/9").await, Existence::Missing(e) if e.contains("Organisation not found")));
        for path in ["/organisations/7", "/organisations/8", "/organisations/9"] {
            ask(path).await;
        }
        assert_eq!(api.seen().len(), 3, "{:?}", api.lines());
        // A write may have made what was missing (or mended what failed); what exists stays.
        reads.invalidate();
        for path in ["/organisations/7", "/organisations/8", "/organisations/9"] {
            ask(path).await;
        }
        assert_eq!(
            api.lines()[3..],
            ["GET /organisations/8", "GET /organisations/9"],
            "{:?}",
            api.lines()
        );
    }
}
