package contrastauth

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The module's copy of the header is the repository's include/contrast_auth.h, byte for byte
// (cgo compiles against the copy; the library is generated with the original).
func TestHeaderCopyIsIdenticalToInclude(t *testing.T) {
	copied, err := os.ReadFile("contrast_auth.h")
	if err != nil {
		t.Fatal(err)
	}
	original, err := os.ReadFile(filepath.Join("..", "..", "..", "include", "contrast_auth.h"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(copied, original) {
		t.Fatal("bindings/go/contrastauth/contrast_auth.h differs from include/contrast_auth.h: " +
			"cp include/contrast_auth.h bindings/go/contrastauth/")
	}
}

func TestBindingVersionIsTheCrateVersion(t *testing.T) {
	cargo, err := os.ReadFile(filepath.Join("..", "..", "..", "Cargo.toml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^version = "([^"]+)"`).FindSubmatch(cargo)
	if m == nil || string(m[1]) != BindingVersion() {
		t.Fatalf("Cargo.toml version %q, Go binding %q", m, BindingVersion())
	}
}

func TestTheLinkedLibraryIsTheBindingVersion(t *testing.T) {
	if Version() != BindingVersion() {
		t.Fatalf("library %q, binding %q", Version(), BindingVersion())
	}
	if err := requireLinkedVersion("test"); err != nil {
		t.Fatal(err)
	}
}

// The check against the real library's contrast_version(), as if the package expected 9.9.9.
func TestAnotherVersionIsRefusedWithBothVersions(t *testing.T) {
	err := checkVersion("contrastauth.New", "9.9.9")
	if !errors.Is(err, ErrVersionMismatch) {
		t.Fatalf("got %v", err)
	}
	var mismatch *VersionMismatchError
	if !errors.As(err, &mismatch) || mismatch.Library != Version() || mismatch.Binding != "9.9.9" {
		t.Fatalf("got %#v", err)
	}
	for _, want := range []string{"contrastauth.New", "library is version " + Version(), "package is version 9.9.9"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err.Error(), want)
		}
	}
}
