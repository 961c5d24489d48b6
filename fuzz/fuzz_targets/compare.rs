#![no_main]
//! Fuzz target: see `wsasim_fuzz::compare`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::compare(data));
