#![no_main]
//! Fuzz target: see `wsasim_fuzz::parse`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::parse(data));
