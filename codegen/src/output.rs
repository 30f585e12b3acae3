//! Writing the generated crate: what would change, and making it so.
//!
//! Only files that carry the generated marker are ever replaced or removed;
//! hand-written files in the output directory are left alone.

use std::path::{Path, PathBuf};

use crate::emit::{Files, GENERATED_MARKER};
use crate::error::{Error, Result};

/// How the output directory differs from the generated files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files that do not exist yet.
    pub added: Vec<String>,
    /// Files whose contents differ.
    pub changed: Vec<String>,
    /// Generated files the generator no longer produces.
    pub removed: Vec<String>,
    /// Files that are already up to date.
    pub unchanged: usize,
}

impl Changes {
    /// Whether the output directory is up to date.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty()
    }

    /// Every file that would change, with `+`, `~` or `-` before it.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        lines.extend(self.added.iter().map(|f| format!("+ {f}")));
        lines.extend(self.changed.iter().map(|f| format!("~ {f}")));
        lines.extend(self.removed.iter().map(|f| format!("- {f}")));
        lines
    }
}

/// Compares `files` with what `out_dir` holds.
pub fn plan(files: &Files, out_dir: &Path) -> Result<Changes> {
    let mut changes = Changes::default();
    for (path, contents) in files {
        match std::fs::read(out_dir.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => changes.unchanged += 1,
            Ok(_) => changes.changed.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => changes.added.push(path.clone()),
            Err(e) => return Err(Error::file(out_dir.join(path).display(), format!("cannot read: {e}"))),
        }
    }
    for path in generated_files(out_dir)? {
        if !files.contains_key(&path) {
            changes.removed.push(path);
        }
    }
    Ok(changes)
}

/// Writes the added and changed files and removes the stale ones.
pub fn apply(files: &Files, out_dir: &Path, changes: &Changes) -> Result<()> {
    for path in changes.added.iter().chain(&changes.changed) {
        let target = out_dir.join(path);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| Error::file(parent.display(), format!("cannot create directory: {e}")))?;
        }
        std::fs::write(&target, &files[path])
            .map_err(|e| Error::file(target.display(), format!("cannot write: {e}")))?;
    }
    for path in &changes.removed {
        let target = out_dir.join(path);
        std::fs::remove_file(&target).map_err(|e| Error::file(target.display(), format!("cannot remove: {e}")))?;
    }
    Ok(())
}

/// Every file under `out_dir` (outside `target/`) that carries the generated marker.
fn generated_files(out_dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    let mut stack: Vec<PathBuf> = vec![out_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::file(dir.display(), format!("cannot list: {e}"))),
        };
        for entry in entries {
            let entry = entry.map_err(|e| Error::file(dir.display(), format!("cannot list: {e}")))?;
            let path = entry.path();
            let name = entry.file_name();
            if name == "target" || name.to_string_lossy().starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if is_generated(&path) {
                let relative = path.strip_prefix(out_dir).expect("walked from out_dir");
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                found.push(parts.join("/"));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_generated(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 256];
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let n = file.read(&mut head).unwrap_or(0);
    String::from_utf8_lossy(&head[..n]).contains(GENERATED_MARKER)
}
