//! The site profiles a process knows: the bundled ones, then every `*.toml` of `sites.dir`. A
//! file whose id is a bundled profile's replaces it (logged), a new id adds a paper; so an
//! operator adds or retunes a paper without a rebuild. Loaded once at start and passed down.
//!
//! What must stay true: a directory that cannot be read fully and exactly is an error naming
//! the file, never a partial set of profiles; what is read is capped (a file's size, the number
//! of files), since the directory is only as careful as whoever fills it.

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Profile, Selectors, SiteError, all, parse};
use crate::config::SitesSettings;

/// The largest profile file read; a real one is under 1 KiB.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;
/// The most profile files a directory may hold.
pub const MAX_FILES: usize = 1024;

/// Where a profile came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// Compiled in from `config/sites/`.
    Bundled,
    /// Read at start from this file of `sites.dir`.
    File(PathBuf),
    /// Derived from a page's URL by `epaper sites probe`, for that run only.
    Probe,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Bundled => f.write_str("bundled"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Probe => f.write_str("probe"),
        }
    }
}

/// A profile and where it came from.
#[derive(Debug, Clone)]
pub struct Site {
    pub profile: Profile,
    pub source: Source,
}

/// Every profile of this process, by id in a stable order.
#[derive(Debug, Clone)]
pub struct Sites {
    sites: Vec<Site>,
}

impl Sites {
    /// The bundled profiles alone (what an empty `sites.dir` loads).
    pub fn bundled() -> Sites {
        let mut sites: Vec<Site> = all()
            .into_iter()
            .map(|profile| Site {
                profile,
                source: Source::Bundled,
            })
            .collect();
        sites.sort_by(|a, b| a.profile.id.cmp(&b.profile.id));
        Sites { sites }
    }

    /// The bundled profiles, then those of `settings.dir` over them.
    pub fn load(settings: &SitesSettings) -> Result<Sites, SiteError> {
        let mut sites = Sites::bundled();
        if settings.dir.is_empty() {
            return Ok(sites);
        }
        let mut seen: Vec<(String, PathBuf)> = Vec::new();
        for path in profile_files(Path::new(&settings.dir))? {
            let profile = read_profile(&path)?;
            if let Some((_, first)) = seen.iter().find(|(id, _)| *id == profile.id) {
                return Err(SiteError::DuplicateId {
                    id: profile.id,
                    first: first.display().to_string(),
                    second: path.display().to_string(),
                });
            }
            seen.push((profile.id.clone(), path.clone()));
            sites.put(profile, path);
        }
        Ok(sites)
    }

    /// Adds `profile` from `path`, in place of a bundled profile of its id.
    fn put(&mut self, profile: Profile, path: PathBuf) {
        let site = Site {
            profile,
            source: Source::File(path),
        };
        let id = &site.profile.id;
        match self.sites.binary_search_by(|s| s.profile.id.cmp(id)) {
            Ok(at) => {
                tracing::info!(site = %id, path = %site.source, "site profile replaces the bundled one");
                self.sites[at] = site;
            }
            Err(at) => {
                tracing::info!(site = %id, path = %site.source, "site profile added");
                self.sites.insert(at, site);
            }
        }
    }

    /// These profiles and `profile`, derived by `epaper sites probe`, in place of one of its
    /// id.
    pub fn with_probed(mut self, profile: Profile) -> Sites {
        let id = profile.id.clone();
        let site = Site {
            profile,
            source: Source::Probe,
        };
        match self
            .sites
            .binary_search_by(|s| s.profile.id.as_str().cmp(&id))
        {
            Ok(at) => self.sites[at] = site,
            Err(at) => self.sites.insert(at, site),
        }
        self
    }

    pub fn get(&self, id: &str) -> Result<&Profile, SiteError> {
        self.sites
            .iter()
            .find(|site| site.profile.id == id)
            .map(|site| &site.profile)
            .ok_or_else(|| SiteError::Unknown(id.to_string()))
    }

    /// The `[selectors]` a document of `site`'s issue of `date` is parsed with: its era's, when
    /// that era's layout is `selectors`. `None` for a site of another layout, and for a site
    /// these profiles do not know, whose documents the parser reads by family detection.
    pub fn selectors(&self, site: &str, date: NaiveDate) -> Option<&Selectors> {
        self.get(site).ok()?.edition(date).selectors
    }

    /// Every profile with its source, by id.
    pub fn all(&self) -> &[Site] {
        &self.sites
    }
}

/// The `*.toml` files of `dir`, sorted. Hidden names are skipped: a mounted Kubernetes
/// ConfigMap keeps its data in `..data` and dated `..2024_…` directories beside the files.
fn profile_files(dir: &Path) -> Result<Vec<PathBuf>, SiteError> {
    let dir_error = |reason: String| SiteError::Dir {
        dir: dir.display().to_string(),
        reason,
    };
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|error| dir_error(error.to_string()))? {
        let path = entry.map_err(|error| dir_error(error.to_string()))?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with('.') || !name.ends_with(".toml") {
            continue;
        }
        files.push(path);
        if files.len() > MAX_FILES {
            return Err(dir_error(format!("more than {MAX_FILES} profiles")));
        }
    }
    files.sort();
    Ok(files)
}

/// The profile in `path` (followed if a link, as a ConfigMap's files are), read up to the cap.
fn read_profile(path: &Path) -> Result<Profile, SiteError> {
    let invalid = |reason: String| SiteError::Invalid {
        path: path.display().to_string(),
        reason,
    };
    let file = std::fs::File::open(path).map_err(|error| invalid(error.to_string()))?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| invalid(error.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(invalid(format!("larger than {MAX_FILE_BYTES} bytes")));
    }
    let text = String::from_utf8(bytes).map_err(|_| invalid("not UTF-8".to_string()))?;
    parse(&text).map_err(invalid)
}
