#![no_main]
//! Fuzz target: see `wsasim_fuzz::run`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::run(data));
