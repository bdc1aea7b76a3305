package contrastauth_test

import (
	"context"
	"encoding/base64"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

// captured is one slog record from the library.
type captured struct {
	level   slog.Level
	event   string
	message string
}

// captureHandler keeps every record at or above its level.
type captureHandler struct {
	mu      sync.Mutex
	level   slog.Level
	records []captured
}

func (h *captureHandler) Enabled(_ context.Context, level slog.Level) bool { return level >= h.level }
func (h *captureHandler) WithAttrs([]slog.Attr) slog.Handler               { return h }
func (h *captureHandler) WithGroup(string) slog.Handler                    { return h }
func (h *captureHandler) Handle(_ context.Context, r slog.Record) error {
	c := captured{level: r.Level, message: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "event" {
			c.event = a.Value.String()
		}
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, c)
	h.mu.Unlock()
	return nil
}

func (h *captureHandler) all() []captured {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]captured(nil), h.records...)
}

func (h *captureHandler) first(event string) *captured {
	for _, r := range h.all() {
		if r.event == event {
			return &r
		}
	}
	return nil
}

// Before SetLogger, warnings and errors go to slog.Default(), INFO and below do not.
func TestWarningsGoToTheDefaultLoggerUntilSetLogger(t *testing.T) {
	contrastauth.SetLogger(nil)
	handler := &captureHandler{level: LevelAll}
	previous := slog.Default()
	slog.SetDefault(slog.New(handler))
	defer slog.SetDefault(previous)
	config := filepath.Join(cleanEnvironment(t), "contrast_security.yaml")
	writeYAML(t, config, "DEFAULTSERVICEKEY", "DEFAULTAPIKEY")
	t.Setenv("CONTRAST_CONFIG_PATH", config)
	t.Setenv("CONTRAST__API__CERTIFICATE__CA_FLIE", "/x.pem")
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	if err := auth.Rotate(ptr("ROTATEDDEFAULTKEY"), nil); err != nil {
		t.Fatal(err)
	}
	records := handler.all()
	if len(records) != 1 || records[0].event != "config.unknown_key" || records[0].level != slog.LevelWarn ||
		!strings.Contains(records[0].message, "did you mean `api.certificate.ca_file`?") {
		t.Fatalf("records %+v", records)
	}
}

// LevelAll enables every level in a capture handler.
const LevelAll = slog.Level(-100)

func writeSessionYAML(t *testing.T, path string, server *testServer, serviceKey string) {
	t.Helper()
	text := "api:\n  url: " + server.URL + "\n  user_name: " + testUserName + "\n  service_key: " + serviceKey +
		"\n  api_key: " + testAPIKey + "\n  timeout_ms: 5000\n  certificate:\n    ca_file: " + server.CAFile + "\n"
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// A full session at TRACE: load, sign, send with a retry (503), a clock correction and a 401
// reload, rotate, send. Every expected event arrives, with the right level, and no planted
// secret appears in any record in any base64 form.
func TestAFullSessionLogsEveryStepAndNoSecret(t *testing.T) {
	const wrong, rotated = "WRONGSERVICEKEY3GO", "ROTATEDSERVICEKEY8GO"
	server := startServer(t, []string{
		testUserName + ":" + testServiceKey + ":" + testAPIKey,
		testUserName + ":" + rotated + ":" + testAPIKey,
	}, "--fault", "503", "--clock-offset", "60")
	handler := &captureHandler{level: LevelAll}
	contrastauth.SetLogger(slog.New(handler))
	defer contrastauth.SetLogger(nil)

	config := filepath.Join(cleanEnvironment(t), "session.yaml")
	writeSessionYAML(t, config, server, wrong)
	t.Setenv("CONTRAST_CONFIG_PATH", config)
	auth, err := contrastauth.FromEnvironment()
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	writeSessionYAML(t, config, server, testServiceKey)
	if counters, err := auth.Counters(); err != nil || counters != (contrastauth.Counters{}) {
		t.Fatalf("counters before sending %+v %v", counters, err)
	}
	if _, err := auth.Sign("POST", server.URL+"/api/ng/report", "application/json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	outcome, err := auth.Send("POST", "/api/ng/report", "application/json", []byte(`{"a":1}`))
	if err != nil || outcome.Attempts != 3 || !outcome.Reloaded {
		t.Fatalf("send %+v %v", outcome, err)
	}
	if err := auth.Rotate(ptr(rotated), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := auth.Send("POST", "/api/ng/report", "application/json", []byte("{}")); err != nil {
		t.Fatal(err)
	}
	counters, err := auth.Counters()
	if err != nil {
		t.Fatal(err)
	}
	want := contrastauth.Counters{Acknowledged: 2, Requests: 4, Retries: 2, Reloads: 1, Rejections: 1, Handshakes: counters.Handshakes}
	if counters != want || counters.Handshakes < 1 {
		t.Fatalf("counters %+v", counters)
	}

	for _, event := range []string{"config.loaded", "signing.signed", "transport.connected", "transport.retry",
		"transport.clock_skew", "transport.rejected", "credentials.reloaded", "credentials.rotated", "transport.sent"} {
		if handler.first(event) == nil {
			t.Errorf("no %s record in %+v", event, handler.all())
		}
	}
	levels := map[string]slog.Level{"transport.retry": slog.LevelDebug, "transport.rejected": slog.LevelWarn,
		"credentials.reloaded": slog.LevelInfo, "config.loaded": slog.LevelDebug, "signing.signed": contrastauth.LevelTrace}
	for event, level := range levels {
		if r := handler.first(event); r != nil && r.level != level {
			t.Errorf("%s at %v, want %v", event, r.level, level)
		}
	}
	if r := handler.first("transport.rejected"); r != nil && !strings.Contains(r.message, "HTTP 401") {
		t.Errorf("rejected: %s", r.message)
	}
	var secrets []string
	for _, text := range []string{testUserName, testServiceKey, testAPIKey, wrong, rotated,
		testUserName + ":" + testServiceKey, testUserName + ":" + wrong, testUserName + ":" + rotated} {
		secrets = append(secrets, text)
		for _, encoding := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
			secrets = append(secrets, encoding.EncodeToString([]byte(text)))
		}
	}
	for _, r := range handler.all() {
		for _, secret := range secrets {
			if strings.Contains(r.message, secret) || strings.Contains(r.event, secret) {
				t.Errorf("a secret leaked into %+v", r)
			}
		}
	}
}

type panickingHandler struct{ captureHandler }

func (h *panickingHandler) Handle(context.Context, slog.Record) error {
	panic("deliberate test panic in a slog handler")
}

// A handler that panics does not unwind into the library: the call goes on.
func TestAPanickingHandlerDoesNotBreakTheLibrary(t *testing.T) {
	contrastauth.SetLogger(slog.New(&panickingHandler{captureHandler{level: LevelAll}}))
	defer contrastauth.SetLogger(nil)
	auth := newTestAuth(t)
	if err := auth.Rotate(ptr("AFTERPANICKEY"), nil); err != nil {
		t.Fatal(err)
	}
	fingerprints, err := auth.Fingerprints()
	if err != nil || fingerprints.Generation != 2 {
		t.Fatalf("%+v %v", fingerprints, err)
	}
}

// The level of the logger given to SetLogger decides what the library produces.
func TestSetLoggerHonoursTheHandlersLevel(t *testing.T) {
	handler := &captureHandler{level: slog.LevelWarn}
	contrastauth.SetLogger(slog.New(handler))
	defer contrastauth.SetLogger(nil)
	auth := newTestAuth(t)
	if err := auth.Rotate(ptr("INFOLEVELKEY"), nil); err != nil {
		t.Fatal(err)
	}
	if records := handler.all(); len(records) != 0 {
		t.Fatalf("an INFO rotation reached a WARN logger: %+v", records)
	}
	handler.level = slog.LevelInfo
	contrastauth.SetLogger(slog.New(handler))
	if err := auth.Rotate(ptr("INFOLEVELKEY2"), nil); err != nil {
		t.Fatal(err)
	}
	if records := handler.all(); len(records) != 1 || records[0].event != "credentials.rotated" {
		t.Fatalf("records %+v", records)
	}
}

func ptr(s string) *string { return &s }
