//! `--check-links`: probes runbook URLs over HTTP, a few at a time, each once, with a
//! timeout, remembering the good answers for a day in the user's cache folder.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use monlint_lint::links::{LinkStatus, LinkStatuses};

/// Requests in flight at once.
const CONCURRENCY: usize = 8;
/// How long a reachable answer is trusted.
const CACHE_TTL_SECS: u64 = 24 * 60 * 60;

fn cache_file() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))?;
    Some(base.join("monlint").join("links.json"))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// URLs found reachable recently, with when.
fn read_cache() -> HashMap<String, u64> {
    let Some(path) = cache_file() else {
        return HashMap::new();
    };
    std::fs::read_to_string(path)
        .ok()
        .and_then(|text| serde_json::from_str::<HashMap<String, u64>>(&text).ok())
        .unwrap_or_default()
}

fn write_cache(cache: &HashMap<String, u64>) {
    let Some(path) = cache_file() else { return };
    // The cache only saves time; failing to write it is not worth an error.
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
        && let Ok(text) = serde_json::to_string(cache)
    {
        let _ = std::fs::write(path, text);
    }
}

fn probe(agent: &ureq::Agent, url: &str, timeout: Duration) -> LinkStatus {
    let answer = |response: Result<ureq::http::Response<ureq::Body>, ureq::Error>| match response {
        Ok(response) => Ok(response.status().as_u16()),
        Err(ureq::Error::Timeout(_)) => Err(format!("no answer within {}s", timeout.as_secs_f64())),
        Err(ureq::Error::Io(error)) if error.kind() == std::io::ErrorKind::TimedOut => {
            Err(format!("no answer within {}s", timeout.as_secs_f64()))
        }
        Err(error) => Err(format!("cannot connect: {error}")),
    };
    let status = match answer(agent.head(url).call()) {
        // Some servers refuse HEAD; ask again the ordinary way.
        Ok(405 | 501) => answer(agent.get(url).call()),
        other => other,
    };
    match status {
        Ok(code) if code < 400 => LinkStatus::Reachable,
        Ok(code) => LinkStatus::Broken(format!("HTTP {code}")),
        Err(reason) => LinkStatus::Broken(reason),
    }
}

/// Probes `urls` (duplicates once), using and refreshing the cache.
pub fn check_links(urls: impl IntoIterator<Item = String>, timeout: Duration) -> LinkStatuses {
    let urls: BTreeSet<String> = urls.into_iter().collect();
    let mut cache = read_cache();
    let fresh = |checked: u64| now().saturating_sub(checked) < CACHE_TTL_SECS;
    let mut statuses: LinkStatuses = HashMap::new();
    let mut pending: Vec<String> = Vec::new();
    for url in urls {
        if cache.get(&url).is_some_and(|&checked| fresh(checked)) {
            statuses.insert(url, LinkStatus::Reachable);
        } else {
            pending.push(url);
        }
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(false)
        .build()
        .into();
    let queue = Mutex::new(pending.into_iter());
    let results = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..CONCURRENCY {
            scope.spawn(|| {
                loop {
                    let next = queue.lock().map(|mut q| q.next()).unwrap_or(None);
                    let Some(url) = next else { break };
                    let status = probe(&agent, &url, timeout);
                    if let Ok(mut results) = results.lock() {
                        results.push((url, status));
                    }
                }
            });
        }
    });
    for (url, status) in results.into_inner().unwrap_or_default() {
        if status == LinkStatus::Reachable {
            cache.insert(url.clone(), now());
        } else {
            cache.remove(&url);
        }
        statuses.insert(url, status);
    }
    cache.retain(|_, checked| fresh(*checked));
    write_cache(&cache);
    statuses
}
