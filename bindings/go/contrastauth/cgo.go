// Package contrastauth is the Go binding of contrast-auth: Contrast agent authentication
// (both credential layers, hot key rotation, signed reports, sending) through the library's
// C ABI (include/contrast_auth.h).
//
// The package links libcontrast_auth from the repository's target/release directory (built
// by `cargo build --release`); set CGO_CFLAGS/CGO_LDFLAGS to link an installed copy instead.
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
#cgo CFLAGS: -I${SRCDIR}/../../../include
#cgo LDFLAGS: -L${SRCDIR}/../../../target/release -lcontrast_auth -Wl,-rpath,${SRCDIR}/../../../target/release
#include <stdlib.h>
#include "contrast_auth.h"
*/
import "C"
