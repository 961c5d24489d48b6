#![no_main]
//! Fuzz target: see `wsasim_fuzz::scenario` (structure-aware: `Arbitrary` scenarios).

libfuzzer_sys::fuzz_target!(|s: wsasim_fuzz::Scenario| wsasim_fuzz::scenario(&s));
