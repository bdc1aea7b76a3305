// Package windows_aarch64 holds the static library of contrast-auth for windows-aarch64 (libcontrast_auth.a).
// It has no Go code: this file only lets `go mod vendor` copy the directory.
package windows_aarch64
