#![no_main]
//! Fuzz target: see `wsasim_fuzz::lparam`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::lparam(data));
