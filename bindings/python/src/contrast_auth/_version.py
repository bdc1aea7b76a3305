"""The package version: the contrast-auth library version this package is built for."""

#: Equal to the crate version in Cargo.toml (checked by the tests) and required of the loaded
#: library's ``contrast_version()``.
__version__ = "0.1.0"
