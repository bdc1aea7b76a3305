package contrastauth_test

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

// testServer is the crate's loopback HTTPS test server (`contrast-auth test-server`).
type testServer struct {
	URL       string `json:"url"`
	CAFile    string `json:"ca_file"`
	CADERFile string `json:"ca_der_file"`
	client    *http.Client
}

// startTestServer runs the CLI's test server accepting the given USER:SERVICE_KEY:API_KEY
// specs (default: the test credentials) and requiring signatures; it stops when the test
// ends (stdin closed).
func startTestServer(t *testing.T, accept ...string) *testServer {
	t.Helper()
	if len(accept) == 0 {
		accept = []string{testUserName + ":" + testServiceKey + ":" + testAPIKey}
	}
	return startServer(t, accept, "--require-signature")
}

// startServer runs the CLI's test server accepting exactly the given specs, with extra
// test-server arguments (e.g. --fault 503); it stops when the test ends (stdin closed).
func startServer(t *testing.T, accept []string, extra ...string) *testServer {
	t.Helper()
	cli := os.Getenv("CONTRAST_AUTH_CLI")
	if cli == "" {
		cli = filepath.Join(repositoryRoot(t), "target", "release", "contrast-auth")
	}
	args := append([]string{"test-server", "--ca-out", filepath.Join(t.TempDir(), "ca.pem")}, extra...)
	for _, spec := range accept {
		args = append(args, "--accept", spec)
	}
	cmd := exec.Command(cli, args...)
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

// configure sets the process configuration like an agent's: CONTRAST__API__* variables, the
// test CA via CONTRAST__API__CERTIFICATE__CA_FILE, no stray YAML file.
func configure(t *testing.T, server *testServer, apiKey string) {
	cleanEnvironment(t)
	for key, value := range map[string]string{
		"URL": server.URL, "USER_NAME": testUserName, "SERVICE_KEY": testServiceKey, "API_KEY": apiKey,
		"CERTIFICATE__CA_FILE": server.CAFile, "TIMEOUT_MS": "5000",
	} {
		t.Setenv("CONTRAST__API__"+key, value)
	}
}

var report = []byte(`{"application":"demo","findings":[1,2,3]}`)

func TestSendToTheTestServer(t *testing.T) {
	server := startTestServer(t)
	configure(t, server, testAPIKey)
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	outcome, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report)
	if err != nil {
		t.Fatal(err)
	}
	if outcome != (contrastauth.SendOutcome{Status: 200, Attempts: 1, Generation: 1}) {
		t.Fatalf("outcome %+v", outcome)
	}
	if _, err := auth.Send("PUT", "/api/ng/agents/activity?x=1", "application/json", nil); err != nil {
		t.Fatal(err)
	}
	for _, bad := range [][2]string{{"PO ST", "/api"}, {"POST", "no-leading-slash"}, {"POST", "/api\r\nX-Evil: 1"}, {"", "/api"}} {
		if _, err := auth.Send(bad[0], bad[1], "application/json", report); !errors.Is(err, contrastauth.ErrInvalidArgument) {
			t.Errorf("Send(%q, %q): %v", bad[0], bad[1], err)
		}
	}
	counters := server.stats(t)
	if counters["accepted"] != float64(2) || counters["requests"] != float64(2) {
		t.Fatalf("server counters %v", counters)
	}
}

// The host hands over its own trust store as DER certificates (no ca_file): the server's
// certificate is trusted; without them it is not; a bad one is refused, naming its index.
func TestTrustAnchorsFromTheHostAreTrusted(t *testing.T) {
	server := startTestServer(t)
	configure(t, server, testAPIKey)
	os.Unsetenv("CONTRAST__API__CERTIFICATE__CA_FILE") // restored by t.Setenv's cleanup
	der, err := os.ReadFile(server.CADERFile)
	if err != nil {
		t.Fatal(err)
	}
	auth, err := contrastauth.FromEnvironmentWithTrust([][]byte{der})
	if err != nil {
		t.Fatal(err)
	}
	outcome, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report)
	auth.Close()
	if err != nil || outcome.Status != 200 {
		t.Fatalf("with the CA as a trust anchor: %+v, %v", outcome, err)
	}
	untrusting, err := contrastauth.FromEnvironmentWithTrust(nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = untrusting.Send("POST", "/api/ng/agents/report", "application/json", report)
	untrusting.Close()
	if !errors.Is(err, contrastauth.ErrTLS) {
		t.Fatalf("without the CA: %v, want ErrTLS", err)
	}
	for _, bad := range [][][]byte{{der, {0x30, 0x03, 0x01, 0x02, 0x03}}, {{}}} {
		_, err := contrastauth.FromEnvironmentWithTrust(bad)
		want := fmt.Sprintf("trust anchor %d", len(bad)-1)
		if !errors.Is(err, contrastauth.ErrInvalidArgument) || !strings.Contains(err.Error(), want) {
			t.Errorf("trust anchors %d: %v, want ErrInvalidArgument naming %q", len(bad), err, want)
		}
	}
	if counters := server.stats(t); counters["accepted"] != float64(1) {
		t.Fatalf("server counters %v", counters)
	}
}

func TestSendWithAWrongKeyIsRejected(t *testing.T) {
	server := startTestServer(t)
	configure(t, server, "WRONGAPIKEY")
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	_, err = auth.Send("POST", "/api/ng/agents/report", "application/json", report)
	if !errors.Is(err, contrastauth.ErrCredentialsRejected) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(err.Error(), "WRONGAPIKEY") || strings.Contains(err.Error(), testServiceKey) {
		t.Fatalf("secret in %q", err)
	}
}

func TestSendWithoutTrustingTheCAIsATLSError(t *testing.T) {
	server := startTestServer(t)
	auth, err := contrastauth.New(server.URL, testUserName, testServiceKey, testAPIKey) // system trust store
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if _, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report); !errors.Is(err, contrastauth.ErrTLS) {
		t.Fatalf("got %v", err)
	}
}

// 8 goroutines send while one rotates the API key back and forth between two keys the
// server accepts (as during a rotation): every report is accepted.
func TestSendWhileRotating(t *testing.T) {
	server := startTestServer(t, testUserName+":"+testServiceKey+":"+testAPIKey, testUserName+":"+testServiceKey+":APIKEYNEXT")
	configure(t, server, testAPIKey)
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	const senders, reports = 8, 5
	var wg sync.WaitGroup
	stop := make(chan struct{})
	rotated := make(chan int)
	go func() {
		n := 0
		keys := []string{"APIKEYNEXT", testAPIKey}
		for {
			select {
			case <-stop:
				rotated <- n
				return
			default:
				if err := auth.Rotate(nil, &keys[n%2]); err != nil {
					t.Error(err)
				}
				n++
				time.Sleep(time.Millisecond)
			}
		}
	}()
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < reports; i++ {
				if _, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(stop)
	if n := <-rotated; n == 0 {
		t.Fatal("no rotation happened during the sends")
	}
	if counters := server.stats(t); counters["accepted"] != float64(senders*reports) {
		t.Fatalf("server counters %v", counters)
	}
}

// The administrator rotates the API key: the server only accepts the new one. The agent's
// YAML file follows; the next report is rejected once, the library reloads, and it is accepted.
func TestSendReloadsAfterAServerSideRotation(t *testing.T) {
	server := startTestServer(t, testUserName+":"+testServiceKey+":NEWAPIKEY")
	configure(t, server, testAPIKey)
	os.Unsetenv("CONTRAST__API__API_KEY") // restored by t.Setenv's cleanup; the YAML file has it
	config := filepath.Join(t.TempDir(), "contrast_security.yaml")
	if err := os.WriteFile(config, []byte("api:\n  api_key: OLDAPIKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("CONTRAST_CONFIG_PATH", config)
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if _, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report); !errors.Is(err, contrastauth.ErrCredentialsRejected) {
		t.Fatalf("old key: %v", err)
	}
	if err := os.WriteFile(config, []byte("api:\n  api_key: NEWAPIKEY\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	outcome, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report)
	if err != nil {
		t.Fatal(err)
	}
	if outcome.Status != 200 || !outcome.Reloaded || outcome.Attempts != 2 {
		t.Fatalf("outcome %+v", outcome)
	}
	if key, _ := auth.APIKey(); key != "NEWAPIKEY" {
		t.Fatalf("API key after the reload: %q", key)
	}
}

// A user name with a Latin-1 or a 4-byte UTF-8 character works end to end: configuration
// from the environment, headers, signing, sending (signatures required), and it appears in
// no signature header.
func TestNonASCIIUserNamesWorkEndToEnd(t *testing.T) {
	for _, user := range []string{"agent_\u00fc7f3a", "agent_\U0001D11E7f3a@Org"} {
		t.Run(user, func(t *testing.T) {
			server := startTestServer(t, user+":"+testServiceKey+":"+testAPIKey)
			configure(t, server, testAPIKey)
			t.Setenv("CONTRAST__API__USER_NAME", user)
			auth, err := contrastauth.FromEnvironment()
			if err != nil {
				t.Fatal(err)
			}
			defer auth.Close()
			authorization, err := auth.Authorization()
			if err != nil {
				t.Fatal(err)
			}
			if want := base64.StdEncoding.EncodeToString([]byte(user + ":" + testServiceKey)); authorization != want {
				t.Fatalf("Authorization %q, want %q", authorization, want)
			}
			signed, err := auth.Sign("POST", server.URL+"/api/ng/agents/report", "application/json", report)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range signed {
				if strings.Contains(h.Value, user) {
					t.Errorf("%s carries the user name: %q", h.Name, h.Value)
				}
			}
			if outcome, err := auth.Send("POST", "/api/ng/agents/report", "application/json", report); err != nil || outcome.Status != 200 {
				t.Fatalf("send: %+v %v", outcome, err)
			}
			if status := server.postSigned(t, auth, report, report); status != 200 {
				t.Fatalf("postSigned: status %d", status)
			}
			if counters := server.stats(t); counters["accepted"] != float64(2) || counters["rejected"] != float64(0) {
				t.Fatalf("server counters %v", counters)
			}
		})
	}
}
