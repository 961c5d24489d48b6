#![no_main]
//! Fuzz target: see `wsasim_fuzz::export_c`.

libfuzzer_sys::fuzz_target!(|data: &[u8]| wsasim_fuzz::export_c(data));
