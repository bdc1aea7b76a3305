// Package macos_x86_64 holds the static library of contrast-auth for macos-x86_64 (libcontrast_auth.a).
// It has no Go code: this file only lets `go mod vendor` copy the directory.
package macos_x86_64
