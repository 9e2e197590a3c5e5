//! Target versions of the tools whose behaviour monlint reproduces.

use std::fmt;
use std::str::FromStr;

/// A `major.minor` version of Prometheus (or Alertmanager), as given to
/// `--prometheus-version`. Ordering is numeric, so gates read naturally:
/// `if version >= Version::new(2, 42) { ... }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Version {
    pub major: u16,
    pub minor: u16,
}

impl Version {
    pub const fn new(major: u16, minor: u16) -> Self {
        Version { major, minor }
    }

    /// The newest Prometheus release whose behaviour monlint models; the default target.
    pub const PROMETHEUS_LATEST: Version = Version::new(3, 14);
    /// The oldest Prometheus release monlint can target.
    pub const PROMETHEUS_OLDEST: Version = Version::new(2, 0);

    pub fn is_prometheus_3(self) -> bool {
        self.major >= 3
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::PROMETHEUS_LATEST
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Why a version string was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionParseError(pub String);

impl fmt::Display for VersionParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid version {:?}: expected MAJOR.MINOR such as 2.42 or 3.5",
            self.0
        )
    }
}

impl std::error::Error for VersionParseError {}

impl FromStr for Version {
    type Err = VersionParseError;

    /// Accepts `3`, `3.5`, `v2.42` and `2.42.0` (the patch level is ignored).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || VersionParseError(text.to_owned());
        let trimmed = text.strip_prefix('v').unwrap_or(text);
        let mut parts = trimmed.split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(err)?;
        let minor = match parts.next() {
            Some(p) => p.parse().map_err(|_| err())?,
            None => 0,
        };
        if let Some(patch) = parts.next() {
            patch.parse::<u32>().map_err(|_| err())?;
        }
        if parts.next().is_some() {
            return Err(err());
        }
        Ok(Version::new(major, minor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        assert_eq!("2.42".parse::<Version>().unwrap(), Version::new(2, 42));
        assert_eq!("v3.5.1".parse::<Version>().unwrap(), Version::new(3, 5));
        assert_eq!("3".parse::<Version>().unwrap(), Version::new(3, 0));
        assert!("3.x".parse::<Version>().is_err());
        assert!("".parse::<Version>().is_err());
        assert!(Version::new(2, 42) < Version::new(2, 53));
        assert!(Version::new(2, 53) < Version::new(3, 0));
    }
}
