package contrastauth_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

const (
	testURL        = "https://contrast.example.com/Contrast"
	testUserName   = "agent_0f1e2d3c"
	testServiceKey = "SERVICEKEY0123"
	testAPIKey     = "APIKEY9876"
)

// repositoryRoot is the checkout root (this file is in bindings/go/contrastauth).
func repositoryRoot(t testing.TB) string {
	t.Helper()
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file")
	}
	return filepath.Join(filepath.Dir(file), "..", "..", "..")
}

// loadVectors reads a file of the shared vectors in tests/vectors/ (in place, never copied).
func loadVectors(t testing.TB, name string, into any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repositoryRoot(t), "tests", "vectors", name))
	if err != nil {
		t.Fatalf("reading vectors: %v", err)
	}
	if err := json.Unmarshal(data, into); err != nil {
		t.Fatalf("parsing %s: %v", name, err)
	}
}

// mustRead reads a file under tests/vectors/.
func mustRead(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repositoryRoot(t), "tests", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
