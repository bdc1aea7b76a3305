package contrastauth

/*
#include "contrast_auth.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"sync"
)

// bindingVersion is the contrast-auth version this package is built for (the crate version
// in Cargo.toml, checked by the tests); the linked library must report the same.
const bindingVersion = "0.1.0"

// BindingVersion returns the contrast-auth version this package is built for.
func BindingVersion() string { return bindingVersion }

// Version returns the linked library's version, from contrast_version().
func Version() string { return C.GoString(C.contrast_version()) }

// ErrVersionMismatch is wrapped by every constructor's error when the linked library is not
// the version this package is built for (test with errors.Is).
var ErrVersionMismatch = errors.New("contrast-auth library version mismatch")

// VersionMismatchError says which library version was linked and which one the package needs.
type VersionMismatchError struct {
	Op      string // the constructor that refused, e.g. "contrastauth.New"
	Library string // what contrast_version() reported
	Binding string // BindingVersion()
}

func (e *VersionMismatchError) Error() string {
	return fmt.Sprintf("%s: the linked contrast-auth library is version %s, but this Go package is version %s: "+
		"use the module version that matches the library (or rebuild the library)", e.Op, e.Library, e.Binding)
}

// Unwrap makes errors.Is(err, ErrVersionMismatch) true.
func (e *VersionMismatchError) Unwrap() error { return ErrVersionMismatch }

// checkVersion compares the linked library's version with expected.
func checkVersion(op, expected string) error {
	if library := Version(); library != expected {
		return &VersionMismatchError{Op: op, Library: library, Binding: expected}
	}
	return nil
}

// linkedVersionOK checks once per process that the linked library is bindingVersion.
var linkedVersionOK = sync.OnceValue(func() error { return checkVersion("", bindingVersion) })

// requireLinkedVersion is called by every constructor before it touches the library.
func requireLinkedVersion(op string) error {
	if err := linkedVersionOK(); err != nil {
		mismatch := *err.(*VersionMismatchError)
		mismatch.Op = op
		return &mismatch
	}
	return nil
}
