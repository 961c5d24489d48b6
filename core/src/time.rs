//! Virtual time: an [`Instant`] on the simulation's clock and a [`Duration`] between two of them.
//!
//! Nothing in wsasim reads a real clock. Time only moves when the driver
//! ([`crate::Sim::step`]) jumps to the next scheduled event, so a scenario takes
//! the same virtual time on every machine.

use core::fmt;
use core::ops::{Add, AddAssign, Sub};

/// A point on the simulation's virtual clock, in microseconds since the world was created.
///
/// `Display` prints seconds with millisecond precision, e.g. `1.010s`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Instant {
    micros: u64,
}

impl Instant {
    /// The moment the world was created.
    pub const ZERO: Instant = Instant { micros: 0 };

    /// An instant `micros` microseconds after the world was created.
    pub const fn from_micros(micros: u64) -> Instant {
        Instant { micros }
    }

    /// Microseconds since the world was created.
    pub const fn total_micros(self) -> u64 {
        self.micros
    }

    /// The time elapsed since `earlier`, or zero if `earlier` is later.
    pub fn duration_since(self, earlier: Instant) -> Duration {
        Duration::from_micros(self.micros.saturating_sub(earlier.micros))
    }
}

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let millis = self.micros / 1000;
        write!(f, "{}.{:03}s", millis / 1000, millis % 1000)?;
        let rest = self.micros % 1000;
        if rest != 0 {
            write!(f, "+{rest}us")?;
        }
        Ok(())
    }
}

/// A span of virtual time, in microseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct Duration {
    micros: u64,
}

impl Duration {
    /// No time at all.
    pub const ZERO: Duration = Duration { micros: 0 };

    /// A duration of `micros` microseconds.
    pub const fn from_micros(micros: u64) -> Duration {
        Duration { micros }
    }

    /// A duration of `millis` milliseconds.
    pub const fn from_millis(millis: u64) -> Duration {
        Duration {
            micros: millis.saturating_mul(1000),
        }
    }

    /// A duration of `secs` seconds.
    pub const fn from_secs(secs: u64) -> Duration {
        Duration {
            micros: secs.saturating_mul(1_000_000),
        }
    }

    /// The length in microseconds.
    pub const fn total_micros(self) -> u64 {
        self.micros
    }

    /// The length in whole milliseconds.
    pub const fn total_millis(self) -> u64 {
        self.micros / 1000
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.micros.is_multiple_of(1_000_000) {
            write!(f, "{}s", self.micros / 1_000_000)
        } else if self.micros.is_multiple_of(1000) {
            write!(f, "{}ms", self.micros / 1000)
        } else {
            write!(f, "{}us", self.micros)
        }
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, rhs: Duration) -> Instant {
        Instant {
            micros: self.micros.saturating_add(rhs.micros),
        }
    }
}

impl AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    fn sub(self, rhs: Instant) -> Duration {
        self.duration_since(rhs)
    }
}

impl Add for Duration {
    type Output = Duration;
    fn add(self, rhs: Duration) -> Duration {
        Duration {
            micros: self.micros.saturating_add(rhs.micros),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn display_is_seconds_with_millis() {
        assert_eq!(Instant::from_micros(1_010_000).to_string(), "1.010s");
        assert_eq!(Instant::from_micros(1_010_005).to_string(), "1.010s+5us");
        assert_eq!(Duration::from_millis(1500).to_string(), "1500ms");
        assert_eq!(Duration::from_secs(2).to_string(), "2s");
    }

    #[test]
    fn arithmetic_saturates() {
        let t = Instant::from_micros(u64::MAX - 1) + Duration::from_secs(1);
        assert_eq!(t.total_micros(), u64::MAX);
        assert_eq!(Instant::ZERO - Instant::from_micros(5), Duration::ZERO);
    }
}
