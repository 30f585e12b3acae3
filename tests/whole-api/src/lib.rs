//! Nothing: the tests of the whole-API crate are in `tests/`.
