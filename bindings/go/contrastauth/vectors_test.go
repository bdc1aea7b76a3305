package contrastauth_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

// vectorURL is the credentials URL of every signing case (tests/vectors/README.md).
const vectorURL = "https://app.contrastsecurity.com/Contrast"

type vectorCredentials struct {
	UserName   string  `json:"user_name"`
	ServiceKey string  `json:"service_key"`
	APIKey     string  `json:"api_key"`
	SigningKey *string `json:"signing_key"`
}

type signingCase struct {
	Credentials         vectorCredentials  `json:"credentials"`
	PreviousCredentials *vectorCredentials `json:"previous_credentials"`
	Request             struct {
		Method      string `json:"method"`
		URL         string `json:"url"`
		ContentType string `json:"content_type"`
		BodyFile    string `json:"body_file"`
	} `json:"request"`
	Created         int64  `json:"created"`
	Nonce           string `json:"nonce"`
	ValiditySeconds int64  `json:"validity_seconds"`
	Expected        struct {
		Authorization  string `json:"authorization"`
		APIKey         string `json:"api_key"`
		KeyID          string `json:"keyid"`
		ContentDigest  string `json:"content_digest"`
		SignatureInput string `json:"signature_input"`
		Signature      string `json:"signature"`
	} `json:"expected"`
}

// signerFor holds the case's credentials, rotated from the previous ones if any; a
// configured signing key is configuration (api.signing_key), loaded as an agent does.
func signerFor(t *testing.T, c *signingCase) *contrastauth.Auth {
	t.Helper()
	creds, previous := c.Credentials, c.PreviousCredentials
	if creds.SigningKey != nil {
		if previous != nil {
			t.Fatal("no vector combines a signing key and a rotation")
		}
		t.Chdir(t.TempDir())
		t.Setenv("CONTRAST_CONFIG_PATH", "")
		os.Unsetenv("CONTRAST_CONFIG_PATH")
		t.Setenv("CONTRAST__API__URL", vectorURL)
		t.Setenv("CONTRAST__API__USER_NAME", creds.UserName)
		t.Setenv("CONTRAST__API__SERVICE_KEY", creds.ServiceKey)
		t.Setenv("CONTRAST__API__API_KEY", creds.APIKey)
		t.Setenv("CONTRAST__API__SIGNING_KEY", *creds.SigningKey)
		auth, err := contrastauth.FromEnvironment()
		if err != nil {
			t.Fatal(err)
		}
		return auth
	}
	first := creds
	if previous != nil {
		first = *previous
	}
	auth, err := contrastauth.New(vectorURL, first.UserName, first.ServiceKey, first.APIKey)
	if err != nil {
		t.Fatal(err)
	}
	if previous != nil {
		if previous.UserName != creds.UserName {
			t.Fatal("the user name changed across the rotation")
		}
		if err := auth.Rotate(&creds.ServiceKey, &creds.APIKey); err != nil {
			t.Fatal(err)
		}
	}
	return auth
}

// TestHeaderVectors: tests/vectors/headers.json. The C ABI uses the standard alphabet
// (authorization_url_safe is the Rust core's option).
func TestHeaderVectors(t *testing.T) {
	var vectors struct {
		URL   string `json:"url"`
		Cases []struct {
			Name          string `json:"name"`
			UserName      string `json:"user_name"`
			ServiceKey    string `json:"service_key"`
			APIKey        string `json:"api_key"`
			Authorization string `json:"authorization"`
			APIKeyHeader  string `json:"api_key_header"`
		} `json:"cases"`
	}
	loadVectors(t, "headers.json", &vectors)
	if len(vectors.Cases) < 5 {
		t.Fatalf("only %d header vectors", len(vectors.Cases))
	}
	for _, c := range vectors.Cases {
		t.Run(c.Name, func(t *testing.T) {
			auth, err := contrastauth.New(vectors.URL, c.UserName, c.ServiceKey, c.APIKey)
			if err != nil {
				t.Fatal(err)
			}
			defer auth.Close()
			authorization, err := auth.Authorization()
			if err != nil || authorization != c.Authorization {
				t.Errorf("Authorization %q (%v), want %q", authorization, err, c.Authorization)
			}
			apiKey, err := auth.APIKey()
			if err != nil || apiKey != c.APIKeyHeader {
				t.Errorf("API-Key %q (%v), want %q", apiKey, err, c.APIKeyHeader)
			}
			headers, err := auth.Headers()
			if err != nil {
				t.Fatal(err)
			}
			if v, _ := headers.Get("Authorization"); v != c.Authorization {
				t.Errorf("Headers() Authorization %q", v)
			}
		})
	}
}

func TestSigningVectors(t *testing.T) {
	dir := filepath.Join(repositoryRoot(t), "tests", "vectors")
	files, err := filepath.Glob(filepath.Join(dir, "*", "case.json"))
	if err != nil || len(files) < 20 {
		t.Fatalf("expected the shared signing vectors under %s (found %d)", dir, len(files))
	}
	for _, file := range files {
		name := filepath.Base(filepath.Dir(file))
		t.Run(name, func(t *testing.T) {
			var c signingCase
			loadVectors(t, filepath.Join(name, "case.json"), &c)
			body, err := os.ReadFile(filepath.Join(dir, name, c.Request.BodyFile))
			if err != nil {
				t.Fatal(err)
			}
			nonceBytes, err := base64.RawURLEncoding.DecodeString(c.Nonce)
			if err != nil || len(nonceBytes) != contrastauth.NonceLen {
				t.Fatalf("bad nonce in the vector: %v", err)
			}
			var nonce [contrastauth.NonceLen]byte
			copy(nonce[:], nonceBytes)

			auth := signerFor(t, &c)
			defer auth.Close()
			expect := func(what, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s:\n got %q\nwant %q", what, got, want)
				}
			}
			authorization, err := auth.Authorization()
			if err != nil {
				t.Fatal(err)
			}
			apiKey, _ := auth.APIKey()
			expect("Authorization", authorization, c.Expected.Authorization)
			expect("API-Key", apiKey, c.Expected.APIKey)
			fingerprints, _ := auth.Fingerprints()
			// The keyid is 16 hex digits of SHA-256 of the key; the fingerprint its first 8.
			if len(c.Expected.KeyID) != 16 {
				t.Fatalf("keyid %q is not 16 hex digits", c.Expected.KeyID)
			}
			expect("keyid fingerprint", fingerprints.SigningKey, c.Expected.KeyID[:8])

			signed, err := auth.SignWithNonce(c.Request.Method, c.Request.URL, c.Request.ContentType, body, time.Unix(c.Created, 0), nonce)
			if err != nil {
				t.Fatal(err)
			}
			if len(signed) != 3 || signed[0].Name != "Content-Digest" || signed[1].Name != "Signature-Input" || signed[2].Name != "Signature" {
				t.Fatalf("unexpected headers %v", signed)
			}
			expect("Content-Digest", signed[0].Value, c.Expected.ContentDigest)
			expect("Signature-Input", signed[1].Value, c.Expected.SignatureInput)
			expect("Signature", signed[2].Value, c.Expected.Signature)
			for _, h := range signed {
				if strings.Contains(h.Value, c.Credentials.UserName) {
					t.Errorf("%s carries the user name: %q", h.Name, h.Value)
				}
			}
		})
	}
}
