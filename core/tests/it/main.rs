//! Integration tests of the core: the specification's numbered sequences, one test per
//! posting rule, whole client/server exchanges, and property tests of the invariants.

mod checkpoints;
mod exchanges;
mod fixture;
mod props;
mod rules;
mod spec_sequences;
mod windows;
