//go:build contrastauth_vendor_libs

package contrastauth

// Never built (the tag is never set): `go mod vendor` ignores build tags, so these imports
// make it copy the static libraries' directories into vendor/ too.
import (
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/linux-aarch64"
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/linux-x86_64"
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/macos-aarch64"
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/macos-x86_64"
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/windows-aarch64"
	_ "github.com/contrast-security-oss/contrast-auth-go/contrastauth/lib/windows-x86_64"
)
