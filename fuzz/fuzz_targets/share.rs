#![no_main]
//! Fuzz target: see `wsasim_fuzz::share`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::share(data));
