// Package contrastauth is the Go binding of contrast-auth: Contrast agent authentication
// (both credential layers, hot key rotation, signed reports, sending) through the library's
// C ABI (contrast_auth.h, a copy of the repository's include/contrast_auth.h).
//
// contrast_auth.h in this folder is generated, not edited: `CONTRAST_AUTH_REGENERATE_HEADER=1
// cargo build` writes include/contrast_auth.h and this copy together (cgo needs the header
// inside the module). The repository's tests check that the two are identical: tests/header.rs
// in `cargo test` (scripts/test) and TestHeaderCopyIsIdenticalToInclude here; scripts/release-go checks it
// again before it packs the module.
//
// The module carries the static library of each platform it supports under
// lib/<platform>/libcontrast_auth.a (linux-x86_64, linux-aarch64, windows-x86_64,
// windows-aarch64, macos-aarch64, macos-x86_64), chosen by the cgo directives below, so a program links contrast-auth statically: it needs no shared
// library and no LD_LIBRARY_PATH at run time, only cgo and a C toolchain at build time. In
// the repository, bindings/go/stage-library.sh copies target/release/libcontrast_auth.a into
// lib/linux-x86_64/ (bindings/go/run-tests.sh runs it); scripts/release-go puts every platform's
// library there in the released module.
//
//	auth, err := contrastauth.New(url, userName, serviceKey, apiKey)
//	if err != nil { ... }
//	defer auth.Close()
//	authorization, err := auth.Authorization()
//
// Every method is safe for concurrent use by many goroutines, rotation included. Errors
// wrap a [Code]: test them with errors.Is(err, contrastauth.ErrConfig) and so on.
package contrastauth

/*
#cgo linux,amd64 LDFLAGS: ${SRCDIR}/lib/linux-x86_64/libcontrast_auth.a
#cgo linux,arm64 LDFLAGS: ${SRCDIR}/lib/linux-aarch64/libcontrast_auth.a
#cgo linux LDFLAGS: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
#cgo windows,amd64 LDFLAGS: ${SRCDIR}/lib/windows-x86_64/libcontrast_auth.a
#cgo windows,arm64 LDFLAGS: ${SRCDIR}/lib/windows-aarch64/libcontrast_auth.a -lunwind
#cgo windows LDFLAGS: -lkernel32 -ladvapi32 -lbcrypt -lntdll -luserenv -lws2_32 -ldbghelp
#cgo darwin,arm64 LDFLAGS: ${SRCDIR}/lib/macos-aarch64/libcontrast_auth.a
#cgo darwin,amd64 LDFLAGS: ${SRCDIR}/lib/macos-x86_64/libcontrast_auth.a
#cgo darwin LDFLAGS: -framework Security -framework CoreFoundation -liconv -lSystem -lc -lm
#include <stdlib.h>
#include "contrast_auth.h"
*/
import "C"
