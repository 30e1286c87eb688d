//! A memo kept on disk: values keyed by a hash of their input and of
//! everything that changes them (KaTeX or syntect version, display mode,
//! macros, language). Rendering keeps rendered math and highlighted code
//! in one per bank (`output/.cache/render/<bank>.json`), validation KaTeX's
//! verdicts in `output/.cache/check.json`; so a second build of unchanged
//! content does not do the work again, and nothing is written outside
//! `output/`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::RwLock;

use anyhow::{Context, Result};

/// A thread-safe map from input hash to value (rendered HTML, a verdict).
#[derive(Default)]
pub struct DiskCache {
    path: Option<PathBuf>,
    loaded: HashMap<String, String>,
    used: RwLock<HashMap<String, String>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl DiskCache {
    /// A cache backed by `path`; a missing or unreadable file starts empty
    /// (the cache only saves work, it never changes output).
    pub fn open(path: &Path) -> DiskCache {
        let loaded = std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok()).unwrap_or_default();
        DiskCache { path: Some(path.to_path_buf()), loaded, ..DiskCache::default() }
    }

    /// The cached HTML for these key parts, or `render()`'s, remembered.
    pub fn get_or_render(&self, parts: &[&str], render: impl FnOnce() -> String) -> String {
        let key = hash_key(parts);
        let known = self.loaded.get(&key).cloned().or_else(|| self.used.read().expect("cache lock").get(&key).cloned());
        if let Some(html) = known {
            self.hits.fetch_add(1, Ordering::Relaxed);
            self.used.write().expect("cache lock").insert(key, html.clone());
            return html;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let html = render();
        self.used.write().expect("cache lock").insert(key, html.clone());
        html
    }

    /// (hits, misses) so far.
    pub fn counts(&self) -> (usize, usize) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Writes the entries used by this build (stale ones are dropped).
    pub fn save(&self) -> Result<()> {
        self.save_entries(false)
    }

    /// Writes the entries used by this build and those loaded: for a cache
    /// shared by banks that were not all looked at (unchanged banks skip
    /// validation), so their entries are not lost.
    pub fn save_keeping_unused(&self) -> Result<()> {
        self.save_entries(true)
    }

    fn save_entries(&self, keep_unused: bool) -> Result<()> {
        let Some(path) = &self.path else { return Ok(()) };
        let used = self.used.read().expect("cache lock");
        let dropped = !keep_unused && used.len() != self.loaded.len();
        if self.misses.load(Ordering::Relaxed) == 0 && !dropped {
            return Ok(());
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let kept = self.loaded.iter().filter(|_| keep_unused);
        let sorted: std::collections::BTreeMap<_, _> = kept.chain(used.iter()).collect();
        std::fs::write(path, serde_json::to_vec(&sorted)?).with_context(|| format!("cannot write {}", path.display()))
    }
}

fn hash_key(parts: &[&str]) -> String {
    crate::hash::hash_parts(parts.iter().map(|p| p.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_lookup_hits_and_saved_cache_reloads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache/render.json");
        let cache = DiskCache::open(&path);
        assert_eq!(cache.get_or_render(&["math", "x"], || "X".into()), "X");
        assert_eq!(cache.get_or_render(&["math", "x"], || unreachable!()), "X");
        assert_eq!(cache.counts(), (1, 1));
        cache.save().unwrap();
        let reopened = DiskCache::open(&path);
        assert_eq!(reopened.get_or_render(&["math", "x"], || unreachable!()), "X");
        assert_eq!(reopened.counts(), (1, 0));
        // Key parts are length-prefixed: ["ab", "c"] is not ["a", "bc"].
        assert_ne!(hash_key(&["ab", "c"]), hash_key(&["a", "bc"]));
    }
}
