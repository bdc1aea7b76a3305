package contrastauth_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/contrast-security-oss/contrast-auth/bindings/go/contrastauth"
)

// testServer is the crate's loopback HTTPS test server (`contrast-auth test-server`).
type testServer struct {
	URL    string `json:"url"`
	CAFile string `json:"ca_file"`
	client *http.Client
}

// startTestServer runs the CLI's test server accepting the test credentials and requiring
// signatures; it stops when the test ends (stdin closed).
func startTestServer(t *testing.T) *testServer {
	t.Helper()
	cli := os.Getenv("CONTRAST_AUTH_CLI")
	if cli == "" {
		cli = filepath.Join(repositoryRoot(t), "target", "release", "contrast-auth")
	}
	cmd := exec.Command(cli, "test-server", "--accept", testUserName+":"+testServiceKey+":"+testAPIKey,
		"--ca-out", filepath.Join(t.TempDir(), "ca.pem"), "--require-signature")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s (run `cargo build --release`): %v", cli, err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Error("the test server did not stop when its stdin closed")
		}
	})
	line, err := bufio.NewReader(stdout).ReadBytes('\n')
	if err != nil {
		t.Fatalf("the test server did not start: %v", err)
	}
	server := &testServer{}
	if err := json.Unmarshal(line, server); err != nil {
		t.Fatalf("start line %q: %v", line, err)
	}
	pem, err := os.ReadFile(server.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		t.Fatal("no certificate in the CA file")
	}
	server.client = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
	return server
}

func (s *testServer) stats(t *testing.T) map[string]any {
	t.Helper()
	response, err := s.client.Get(s.URL + "/__test/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer response.Body.Close()
	var counters map[string]any
	if err := json.NewDecoder(response.Body).Decode(&counters); err != nil {
		t.Fatal(err)
	}
	return counters
}

// postSigned is what an agent with its own HTTP client does: the library's headers and
// signature, sent by net/http over TLS trusting the server's CA.
func (s *testServer) postSigned(t *testing.T, auth *contrastauth.Auth, body, sent []byte) int {
	t.Helper()
	url := s.URL + "/api/ng/agents/report"
	headers, err := auth.Headers()
	if err != nil {
		t.Fatal(err)
	}
	signed, err := auth.Sign("POST", url, "application/json", body)
	if err != nil {
		t.Fatal(err)
	}
	request, _ := http.NewRequest("POST", url, bytes.NewReader(sent))
	headers.Apply(request.Header)
	signed.Apply(request.Header)
	request.Header.Set("Content-Type", "application/json")
	response, err := s.client.Do(request)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, response.Body)
	response.Body.Close()
	return response.StatusCode
}

func TestSignedReportAcceptedByTheTestServer(t *testing.T) {
	server := startTestServer(t)
	body := []byte(`{"application":"demo","findings":[1,2,3]}`)
	auth, err := contrastauth.New(server.URL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if status := server.postSigned(t, auth, body, body); status != 200 {
		t.Fatalf("status %d", status)
	}
	if status := server.postSigned(t, auth, body, append(body, ' ')); status != 401 {
		t.Fatalf("tampered body: status %d", status)
	}
	wrong, err := contrastauth.New(server.URL, testUserName, testServiceKey, "WRONGAPIKEY")
	if err != nil {
		t.Fatal(err)
	}
	defer wrong.Close()
	if status := server.postSigned(t, wrong, body, body); status != 401 {
		t.Fatalf("wrong API key: status %d", status)
	}
	counters := server.stats(t)
	if counters["accepted"] != float64(1) || counters["rejected"] != float64(2) {
		t.Fatalf("server counters %v", counters)
	}
}
