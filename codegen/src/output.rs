//! Writing the generated crate: what would change, and making it so.
//!
//! Only files that carry the generated marker are ever replaced or removed;
//! hand-written files in the output directory are left alone.

use std::path::{Path, PathBuf};

use crate::emit::{Files, GENERATED_MARKER};
use crate::error::{Error, Result};

/// How the output directory differs from the generated files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WritePlan {
    /// Files that do not exist yet.
    pub added: Vec<String>,
    /// Files whose contents differ.
    pub changed: Vec<String>,
    /// Generated files the generator no longer produces.
    pub removed: Vec<String>,
    /// Files that are already up to date.
    pub unchanged: usize,
}

impl WritePlan {
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
pub fn plan(files: &Files, out_dir: &Path) -> Result<WritePlan> {
    let mut plan = WritePlan::default();
    for (path, contents) in files {
        match std::fs::read(out_dir.join(path)) {
            Ok(existing) if existing == contents.as_bytes() => plan.unchanged += 1,
            Ok(existing) if !has_marker(&existing) => {
                return Err(Error::file(
                    out_dir.join(path).display(),
                    format!(
                        "the generator makes this file, but the existing one is hand-written (it lacks \
                         `{GENERATED_MARKER}`); move it away, nothing was written"
                    ),
                ))
            }
            Ok(_) => plan.changed.push(path.clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => plan.added.push(path.clone()),
            Err(e) => return Err(Error::file(out_dir.join(path).display(), format!("cannot read: {e}"))),
        }
    }
    for path in generated_files(out_dir)? {
        if !files.contains_key(&path) {
            plan.removed.push(path);
        }
    }
    Ok(plan)
}

/// Makes `out_dir` hold exactly `files` besides its hand-written files, atomically:
/// nothing happens when `plan` is empty; otherwise the new directory is staged
/// beside it (the generated files written, the hand-written ones hard-linked, or
/// copied where links are not possible) and then swapped into place with two
/// renames, so an error or an interrupt never leaves a half-written `out_dir`.
///
/// `target/` and dot entries at the top of `out_dir` are moved over as they are.
/// A swap interrupted between its two renames is finished by the next run.
pub fn apply(files: &Files, out_dir: &Path, plan: &WritePlan) -> Result<()> {
    let (staging, backup) = siblings(out_dir)?;
    recover(out_dir, &staging, &backup)?;
    if plan.is_empty() {
        return Ok(());
    }
    let staged = stage(files, out_dir, &staging);
    if let Err(e) = staged {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    swap(out_dir, &staging, &backup)
}

/// The staging and backup directories of `out_dir`: hidden siblings.
fn siblings(out_dir: &Path) -> Result<(PathBuf, PathBuf)> {
    let name = out_dir
        .file_name()
        .ok_or_else(|| Error::file(out_dir.display(), "the output directory must have a name"))?
        .to_string_lossy()
        .into_owned();
    let parent = match out_dir.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent.join(format!(".{name}.codegen-staging")), parent.join(format!(".{name}.codegen-backup"))))
}

/// Cleans up after an interrupted run: a leftover staging directory is dropped;
/// a backup is put back if the swap stopped between its renames, else dropped.
fn recover(out_dir: &Path, staging: &Path, backup: &Path) -> Result<()> {
    let remove = |dir: &Path| match std::fs::remove_dir_all(dir) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::file(dir.display(), format!("cannot remove what an interrupted run left: {e}")))
        }
        _ => Ok(()),
    };
    if backup.exists() && !out_dir.exists() {
        std::fs::rename(backup, out_dir)
            .map_err(|e| Error::file(backup.display(), format!("cannot restore the output directory: {e}")))?;
    }
    remove(staging)?;
    remove(backup)
}

/// Builds the new output directory at `staging`.
fn stage(files: &Files, out_dir: &Path, staging: &Path) -> Result<()> {
    std::fs::create_dir_all(staging)
        .map_err(|e| Error::file(staging.display(), format!("cannot create directory: {e}")))?;
    let files: Vec<(PathBuf, &String)> = files.iter().map(|(path, contents)| (staging.join(path), contents)).collect();
    for (target, _) in &files {
        create_parent(target)?;
    }
    // The writes, shared out over threads: a whole crate is tens of megabytes.
    let written = crate::threads::map(&files, |(target, contents)| {
        std::fs::write(target, contents).map_err(|e| Error::file(target.display(), format!("cannot write: {e}")))
    });
    written.into_iter().collect::<Result<()>>()?;
    // After the generated files, so that no write can go through a link.
    for path in hand_written_files(out_dir)? {
        let (from, to) = (out_dir.join(&path), staging.join(&path));
        create_parent(&to)?;
        if std::fs::hard_link(&from, &to).is_err() {
            std::fs::copy(&from, &to).map_err(|e| Error::file(from.display(), format!("cannot copy: {e}")))?;
        }
    }
    Ok(())
}

/// Moves `out_dir`'s `target/` and dot entries into `staging`, then swaps
/// `staging` into `out_dir`'s place; on failure, puts everything back.
fn swap(out_dir: &Path, staging: &Path, backup: &Path) -> Result<()> {
    let mut moved = Vec::new();
    let result = (|| {
        for name in kept_entries(out_dir)? {
            std::fs::rename(out_dir.join(&name), staging.join(&name))
                .map_err(|e| Error::file(out_dir.join(&name).display(), format!("cannot move: {e}")))?;
            moved.push(name);
        }
        if out_dir.exists() {
            std::fs::rename(out_dir, backup)
                .map_err(|e| Error::file(out_dir.display(), format!("cannot move aside: {e}")))?;
        }
        std::fs::rename(staging, out_dir).map_err(|e| {
            let _ = std::fs::rename(backup, out_dir);
            Error::file(out_dir.display(), format!("cannot move the new directory into place: {e}"))
        })
    })();
    match result {
        Ok(()) => {
            let _ = std::fs::remove_dir_all(backup);
            Ok(())
        }
        Err(e) => {
            for name in moved {
                let _ = std::fs::rename(staging.join(&name), out_dir.join(&name));
            }
            let _ = std::fs::remove_dir_all(staging);
            Err(e)
        }
    }
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(parent) => std::fs::create_dir_all(parent)
            .map_err(|e| Error::file(parent.display(), format!("cannot create directory: {e}"))),
        None => Ok(()),
    }
}

/// The top-level entries of `out_dir` that are moved over as they are: `target`
/// and names starting with `.`.
fn kept_entries(out_dir: &Path) -> Result<Vec<std::ffi::OsString>> {
    let entries = match std::fs::read_dir(out_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::file(out_dir.display(), format!("cannot list: {e}"))),
    };
    let mut kept = Vec::new();
    for entry in entries {
        let name = entry.map_err(|e| Error::file(out_dir.display(), format!("cannot list: {e}")))?.file_name();
        if skipped(&name) {
            kept.push(name);
        }
    }
    kept.sort();
    Ok(kept)
}

/// Whether a top-level entry of the output directory is left out of the walk (and
/// moved over whole).
fn skipped(name: &std::ffi::OsStr) -> bool {
    name == "target" || name.to_string_lossy().starts_with('.')
}

/// Every file under `out_dir` (outside its top-level `target/` and dot entries)
/// without the generated marker.
fn hand_written_files(out_dir: &Path) -> Result<Vec<String>> {
    Ok(walk(out_dir)?.into_iter().filter(|(_, generated)| !generated).map(|(path, _)| path).collect())
}

/// Every file under `out_dir` (outside its top-level `target/` and dot entries)
/// that carries the generated marker.
fn generated_files(out_dir: &Path) -> Result<Vec<String>> {
    Ok(walk(out_dir)?.into_iter().filter(|(_, generated)| *generated).map(|(path, _)| path).collect())
}

/// Every file under `out_dir` (outside its top-level `target/` and dot entries),
/// `/`-separated and sorted, with whether it carries the generated marker.
fn walk(out_dir: &Path) -> Result<Vec<(String, bool)>> {
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
            if dir == out_dir && skipped(&entry.file_name()) {
                continue;
            }
            let file_type = entry.file_type().map_err(|e| Error::file(path.display(), format!("cannot stat: {e}")))?;
            if file_type.is_dir() {
                stack.push(path);
            } else {
                let Ok(relative) = path.strip_prefix(out_dir) else { continue };
                let parts: Vec<String> =
                    relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
                found.push((parts.join("/"), is_generated(&path)));
            }
        }
    }
    found.sort();
    Ok(found)
}

fn is_generated(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; MARKER_WINDOW];
    let Ok(mut file) = std::fs::File::open(path) else { return false };
    let n = file.read(&mut head).unwrap_or(0);
    has_marker(&head[..n])
}

/// How far into a file the generated marker is looked for.
const MARKER_WINDOW: usize = 256;

fn has_marker(contents: &[u8]) -> bool {
    String::from_utf8_lossy(&contents[..contents.len().min(MARKER_WINDOW)]).contains(GENERATED_MARKER)
}
