package contrastauth_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

func newTestAuth(t *testing.T) *contrastauth.Auth {
	t.Helper()
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { auth.Close() })
	return auth
}

func decodedAuthorization(t *testing.T, auth *contrastauth.Auth) string {
	t.Helper()
	value, err := auth.Authorization()
	if err != nil {
		t.Fatal(err)
	}
	decoded, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		t.Fatal(err)
	}
	return string(decoded)
}

func TestHeaderValues(t *testing.T) {
	auth := newTestAuth(t)
	if got := decodedAuthorization(t, auth); got != testUserName+":"+testServiceKey {
		t.Fatalf("Authorization decodes to %q", got)
	}
	apiKey, err := auth.APIKey()
	if err != nil || apiKey != testAPIKey {
		t.Fatalf("APIKey: %q %v", apiKey, err)
	}
	headers, err := auth.Headers()
	if err != nil {
		t.Fatal(err)
	}
	names := []string{}
	for _, h := range headers {
		names = append(names, h.Name)
	}
	if strings.Join(names, ",") != "Authorization,API-Key,Accept,User-Agent" {
		t.Fatalf("header names %v", names)
	}
	if v, ok := headers.Get("api-key"); !ok || v != testAPIKey {
		t.Fatalf("Get(api-key) = %q %v", v, ok)
	}
	if _, ok := headers.Get("Cookie"); ok {
		t.Fatal("Get found a header that is not there")
	}
	request := http.Header{}
	headers.Apply(request)
	if request.Get("API-Key") != testAPIKey || request.Get("Accept") != "application/json" {
		t.Fatalf("Apply: %v", request)
	}
}

func TestLongValuesGrowTheBuffer(t *testing.T) {
	long := strings.Repeat("K", 5000)
	auth, err := contrastauth.New(testURL, testUserName, long, long)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if got, _ := auth.APIKey(); got != long {
		t.Fatalf("API key of %d bytes", len(got))
	}
	if got := decodedAuthorization(t, auth); got != testUserName+":"+long {
		t.Fatal("long Authorization differs")
	}
}

func TestNonASCIIValues(t *testing.T) {
	auth, err := contrastauth.New(testURL, "agént", "clé-ß-日本語", "ключ")
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if got := decodedAuthorization(t, auth); got != "agént:clé-ß-日本語" {
		t.Fatalf("got %q", got)
	}
}

func TestFromToken(t *testing.T) {
	raw, _ := json.Marshal(map[string]string{"url": testURL, "api_key": testAPIKey, "service_key": testServiceKey, "user_name": testUserName})
	auth, err := contrastauth.FromToken(base64.StdEncoding.EncodeToString(raw))
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if got := decodedAuthorization(t, auth); got != testUserName+":"+testServiceKey {
		t.Fatalf("got %q", got)
	}
}

func TestRotationAndFingerprints(t *testing.T) {
	auth := newTestAuth(t)
	before, err := auth.Fingerprints()
	if err != nil || before.Generation != 1 || len(before.ServiceKey) != 8 {
		t.Fatalf("%+v %v", before, err)
	}
	key := "NEWSERVICEKEY"
	if err := auth.Rotate(&key, nil); err != nil {
		t.Fatal(err)
	}
	after, _ := auth.Fingerprints()
	if after.Generation != 2 || after.ServiceKey == before.ServiceKey || after.APIKey != before.APIKey || after.SigningKey == before.SigningKey {
		t.Fatalf("before %+v after %+v", before, after)
	}
	if got := decodedAuthorization(t, auth); got != testUserName+":NEWSERVICEKEY" {
		t.Fatalf("got %q", got)
	}
	signed, err := auth.Sign("POST", testURL+"/api/ng/agents/report", "application/json", []byte("{}"))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := signed.Get("Signature"); !strings.Contains(v, "contrast-prev=:") {
		t.Fatalf("no previous-key signature right after a rotation: %q", v)
	}
}

func TestSigningIsRandomized(t *testing.T) {
	auth := newTestAuth(t)
	sign := func() contrastauth.Headers {
		h, err := auth.Sign("POST", testURL+"/api/ng/agents/report", "application/json", []byte(`{"a":1}`))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := sign(), sign()
	if a[0].Value != b[0].Value || a[1].Value == b[1].Value || a[2].Value == b[2].Value {
		t.Fatalf("digest must match, nonce and signature must differ: %v %v", a, b)
	}
}

func writeYAML(t *testing.T, path, serviceKey, apiKey string) {
	t.Helper()
	text := "api:\n  url: " + testURL + "\n  user_name: " + testUserName + "\n  service_key: " + serviceKey + "\n  api_key: " + apiKey + "\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// cleanEnvironment removes every CONTRAST__ variable for the test and moves to a temp dir.
func cleanEnvironment(t *testing.T) string {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, entry := range os.Environ() {
		name, _, _ := strings.Cut(entry, "=")
		if strings.HasPrefix(name, "CONTRAST__") || name == "CONTRAST_CONFIG_PATH" {
			t.Setenv(name, "")
			os.Unsetenv(name)
		}
	}
	return dir
}

func TestFromEnvironmentAndReload(t *testing.T) {
	config := filepath.Join(cleanEnvironment(t), "contrast_security.yaml")
	writeYAML(t, config, "YAMLSERVICEKEY1", "YAMLAPIKEY1")
	t.Setenv("CONTRAST_CONFIG_PATH", config)
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if changed, err := auth.Reload(); err != nil || changed != 0 || changed.String() != "none" {
		t.Fatalf("unchanged reload: %v %v", changed, err)
	}
	writeYAML(t, config, "YAMLSERVICEKEY2", "YAMLAPIKEY1")
	changed, err := auth.Reload()
	if err != nil || !changed.Has(contrastauth.KeyServiceKey) || changed.Has(contrastauth.KeyAPIKey) {
		t.Fatalf("reload: %v %v", changed, err)
	}
	if changed.String() != "service_key,signing_key" {
		t.Fatalf("String() = %q", changed.String())
	}
	if got := decodedAuthorization(t, auth); got != testUserName+":YAMLSERVICEKEY2" {
		t.Fatalf("got %q", got)
	}
	os.WriteFile(config, []byte("api: [not, a, map"), 0o600)
	if _, err := auth.Reload(); !errors.Is(err, contrastauth.ErrConfig) {
		t.Fatalf("broken YAML: %v", err)
	}
	if got := decodedAuthorization(t, auth); got != testUserName+":YAMLSERVICEKEY2" {
		t.Fatal("a failed reload changed the keys")
	}
}

func TestFromEnvironmentWithoutConfiguration(t *testing.T) {
	cleanEnvironment(t)
	_, err := contrastauth.FromEnvironment()
	var typed *contrastauth.Error
	if !errors.Is(err, contrastauth.ErrConfig) || !errors.As(err, &typed) || typed.Detail == "" {
		t.Fatalf("got %v", err)
	}
}

// The YAML file is also searched in <system dir>/go/ (not in another agent's directory), and
// the host's settings beat the environment and the file, also after a reload.
func TestFromEnvironmentWithOptions(t *testing.T) {
	dir := cleanEnvironment(t)
	system := filepath.Join(dir, "etc-contrast")
	for _, agent := range []string{"go", "python"} {
		if err := os.MkdirAll(filepath.Join(system, agent), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	writeYAML(t, filepath.Join(system, "python", "contrast_security.yaml"), "PYSERVICEKEY", "PYAPIKEY")
	if _, err := contrastauth.FromEnvironmentWithOptions(contrastauth.EnvironmentOptions{SystemConfigDir: system}); !errors.Is(err, contrastauth.ErrConfig) {
		t.Fatalf("another agent's directory was read: %v", err)
	}
	writeYAML(t, filepath.Join(system, "go", "contrast_security.yaml"), "GOSERVICEKEY", "GOAPIKEY")
	auth, err := contrastauth.FromEnvironmentWithOptions(contrastauth.EnvironmentOptions{SystemConfigDir: system})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := auth.APIKey(); got != "GOAPIKEY" {
		t.Fatalf("API key %q, want the go directory's", got)
	}
	auth.Close()
	t.Setenv("CONTRAST__API__API_KEY", "ENVAPIKEY")
	auth, err = contrastauth.FromEnvironmentWithOptions(contrastauth.EnvironmentOptions{
		SystemConfigDir: system,
		Settings:        map[string]string{"contrast.api.api_key": "HOSTAPIKEY", "api.user_name": "agent_\u00fc@Org"},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if _, err := auth.Reload(); err != nil {
		t.Fatal(err)
	}
	if got, _ := auth.APIKey(); got != "HOSTAPIKEY" {
		t.Fatalf("API key %q, want the host setting's", got)
	}
	if got := decodedAuthorization(t, auth); got != "agent_\u00fc@Org:GOSERVICEKEY" {
		t.Fatalf("got %q", got)
	}
}

func TestBadEnvironmentOptions(t *testing.T) {
	cleanEnvironment(t)
	const planted = "PLANTEDSECRET4a7b"
	full := func(extra map[string]string) contrastauth.EnvironmentOptions {
		settings := map[string]string{"api.url": testURL, "api.user_name": testUserName, "api.service_key": testServiceKey, "api.api_key": "APIKEYGOOD"}
		for k, v := range extra {
			settings[k] = v
		}
		return contrastauth.EnvironmentOptions{Settings: settings}
	}
	cases := []struct {
		options contrastauth.EnvironmentOptions
		want    error
	}{
		{full(map[string]string{"api.api_key": planted + "\r\nX-Injected: 1"}), contrastauth.ErrInvalidArgument},
		{full(map[string]string{"api key": planted}), contrastauth.ErrInvalidArgument},
		{full(map[string]string{"api.api_key": planted + "\x00"}), contrastauth.ErrInvalidArgument},
		{full(map[string]string{"api.api_key": "\xff\xfe"}), contrastauth.ErrInvalidUTF8},
		{full(map[string]string{"api.url": "http://x.example/Contrast"}), contrastauth.ErrTLSRequired},
		{contrastauth.EnvironmentOptions{TrustAnchors: [][]byte{{}}}, contrastauth.ErrInvalidArgument},
	}
	for i, c := range cases {
		_, err := contrastauth.FromEnvironmentWithOptions(c.options)
		if !errors.Is(err, c.want) {
			t.Errorf("case %d: %v, want %v", i, err, c.want)
		} else if strings.Contains(err.Error(), planted) {
			t.Errorf("case %d: the value is in the error: %v", i, err)
		}
	}
}

func TestReloadOfExplicitValues(t *testing.T) {
	auth := newTestAuth(t)
	if changed, err := auth.Reload(); err != nil || changed != 0 {
		t.Fatalf("%v %v", changed, err)
	}
}
