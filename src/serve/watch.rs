//! What the preview watches and which changes start a build: anything in
//! the content folder or the user theme (editor swap and backup files and
//! hidden files aside) and `studymark.toml`. Changes in the output folder
//! never count (the build writes there), nor do reads: the build opens every
//! file it watches.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::load::Project;

/// How long the files must stay quiet before a build starts: an editor's
/// save (temporary file, rename) and a `git checkout` arrive as bursts.
const QUIET: Duration = Duration::from_millis(150);

pub struct Watcher {
    notify: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    targets: Targets,
    /// The folders actually registered with `notify`.
    watched: Vec<(PathBuf, RecursiveMode)>,
}

impl Watcher {
    pub fn new(project: &Project) -> Result<Watcher> {
        let (sender, events) = std::sync::mpsc::channel();
        let notify = notify::recommended_watcher(sender).context("cannot watch files for changes")?;
        let mut watcher = Watcher { notify, events, targets: Targets::of(project), watched: Vec::new() };
        watcher.register();
        Ok(watcher)
    }

    /// Watches what the (re)loaded project names: its configuration may have
    /// moved the content folder or the theme, or a missing folder may now exist.
    pub fn follow(&mut self, project: &Project) {
        self.targets = Targets::of(project);
        self.register();
    }

    /// Blocks until a relevant change, then until the files have been quiet
    /// for [`QUIET`].
    pub fn wait_for_change(&self) -> Result<()> {
        while !self.next_is_relevant(None)? {}
        // Only relevant events postpone the build: reads go on all the time.
        let mut quiet_from = Instant::now() + QUIET;
        loop {
            let left = quiet_from.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Ok(());
            }
            if self.next_is_relevant(Some(left))? {
                quiet_from = Instant::now() + QUIET;
            }
        }
    }

    /// Whether the next event (within `timeout`, if any) is a relevant
    /// change; false on timeout.
    fn next_is_relevant(&self, timeout: Option<Duration>) -> Result<bool> {
        let received = match timeout {
            None => self.events.recv().map_err(|_| RecvTimeoutError::Disconnected),
            Some(timeout) => self.events.recv_timeout(timeout),
        };
        match received {
            Ok(Ok(event)) => Ok(self.targets.is_relevant(&event)),
            Ok(Err(err)) => {
                eprintln!("warning: file watching: {err}");
                Ok(false)
            }
            Err(RecvTimeoutError::Timeout) => Ok(false),
            Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the file watcher stopped"),
        }
    }

    /// Brings the registered folders in line with the targets.
    fn register(&mut self) {
        let wanted = self.targets.folders();
        for (path, mode) in std::mem::take(&mut self.watched) {
            if wanted.contains(&(path.clone(), mode)) {
                self.watched.push((path, mode));
            } else {
                // A folder that was deleted is no longer watched anyway.
                let _ = self.notify.unwatch(&path);
            }
        }
        for (path, mode) in wanted {
            if self.watched.contains(&(path.clone(), mode)) {
                continue;
            }
            match self.notify.watch(&path, mode) {
                Ok(()) => self.watched.push((path, mode)),
                Err(err) => eprintln!("warning: cannot watch {}: {err}", path.display()),
            }
        }
    }
}

/// The paths of a project that matter, absolute and with symlinks resolved
/// where they exist, as in the events `notify` reports.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Targets {
    root: PathBuf,
    config: PathBuf,
    content: PathBuf,
    theme: Option<PathBuf>,
    output: PathBuf,
}

impl Targets {
    fn of(project: &Project) -> Targets {
        let root = resolve(&project.root);
        Targets {
            config: root.join(CONFIG_FILE),
            content: resolve(&project.content_dir()),
            theme: project.config.theme.as_ref().map(|theme| resolve(&project.root.join(theme))),
            output: resolve(&project.root.join(&project.config.output_dir)),
            root,
        }
    }

    /// The folders to register: the project root alone for
    /// `studymark.toml` (the lock and the output sit there too), the
    /// content and theme folders with everything in them.
    fn folders(&self) -> Vec<(PathBuf, RecursiveMode)> {
        let mut folders = vec![(self.content.clone(), RecursiveMode::Recursive)];
        folders.extend(self.theme.iter().map(|theme| (theme.clone(), RecursiveMode::Recursive)));
        if !folders.iter().any(|(folder, _)| *folder == self.root) {
            folders.push((self.root.clone(), RecursiveMode::NonRecursive));
        }
        folders.dedup();
        folders
    }

    fn is_relevant(&self, event: &Event) -> bool {
        if matches!(event.kind, EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_))) {
            return false;
        }
        event.paths.iter().any(|path| self.concerns(path))
    }

    fn concerns(&self, path: &Path) -> bool {
        if path.starts_with(&self.output) {
            return false;
        }
        if path == self.config {
            return true;
        }
        let watched = std::iter::once(&self.content).chain(self.theme.as_ref());
        watched.filter_map(|folder| path.strip_prefix(folder).ok()).any(|relative| !is_noise(relative))
    }
}

/// Editor swap, backup and temporary files, and hidden files (bank
/// discovery skips those too).
fn is_noise(relative: &Path) -> bool {
    let hidden = relative.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    let name = relative.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    // 4913 is the file Vim creates to test whether a folder is writable.
    let scratch = name.ends_with('~') || name == "4913" || [".swp", ".swx", ".tmp"].iter().any(|e| name.ends_with(e));
    hidden || scratch
}

fn resolve(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, CreateKind, DataChange, MetadataKind, RemoveKind};

    use super::*;

    fn targets(theme: Option<&str>) -> Targets {
        Targets {
            root: PathBuf::from("/p"),
            config: PathBuf::from("/p/studymark.toml"),
            content: PathBuf::from("/p/content"),
            theme: theme.map(PathBuf::from),
            output: PathBuf::from("/p/output"),
        }
    }

    fn event(kind: EventKind, path: &str) -> Event {
        Event::new(kind).add_path(PathBuf::from(path))
    }

    const WRITE: EventKind = EventKind::Modify(ModifyKind::Data(DataChange::Any));

    #[test]
    fn edits_to_banks_media_config_and_theme_count() {
        let targets = targets(Some("/p/mytheme"));
        for path in
            ["/p/content/bank.md", "/p/content/tour/img/plot.png", "/p/studymark.toml", "/p/mytheme/static/a.css"]
        {
            assert!(targets.is_relevant(&event(WRITE, path)), "{path}");
        }
        assert!(targets.is_relevant(&event(EventKind::Create(CreateKind::File), "/p/content/new.md")));
        assert!(targets.is_relevant(&event(EventKind::Remove(RemoveKind::File), "/p/content/old.md")));
    }

    #[test]
    fn reads_output_lock_and_editor_files_do_not() {
        let targets = targets(None);
        assert!(!targets.is_relevant(&event(EventKind::Access(AccessKind::Any), "/p/content/bank.md")));
        let touched = EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime));
        assert!(!targets.is_relevant(&event(touched, "/p/content/bank.md")));
        for path in [
            "/p/studymark.lock",
            "/p/studymark.lock.tmp",
            "/p/output/site/bank.html",
            "/p/content/.bank.md.swp",
            "/p/content/bank.md~",
            "/p/content/4913",
            "/p/content/.git/index",
            "/p/mytheme/static/a.css",
        ] {
            assert!(!targets.is_relevant(&event(WRITE, path)), "{path}");
        }
    }

    #[test]
    fn an_output_folder_inside_the_content_is_ignored() {
        let mut targets = targets(None);
        targets.output = PathBuf::from("/p/content/_site");
        assert!(!targets.is_relevant(&event(WRITE, "/p/content/_site/site/index.html")));
        assert!(targets.is_relevant(&event(WRITE, "/p/content/bank.md")));
    }

    #[test]
    fn the_root_is_watched_alone_unless_it_is_the_content_folder() {
        let folders = targets(Some("/p/mytheme")).folders();
        assert_eq!(
            folders,
            [
                (PathBuf::from("/p/content"), RecursiveMode::Recursive),
                (PathBuf::from("/p/mytheme"), RecursiveMode::Recursive),
                (PathBuf::from("/p"), RecursiveMode::NonRecursive),
            ]
        );
        let mut flat = targets(None);
        flat.content = PathBuf::from("/p");
        assert_eq!(flat.folders(), [(PathBuf::from("/p"), RecursiveMode::Recursive)]);
    }
}
