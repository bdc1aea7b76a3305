package contrastauth_test

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

const planted = "PLANTEDSECRET42"

func newWith(field int, value string) (*contrastauth.Auth, error) {
	args := []string{testURL, testUserName, testServiceKey, testAPIKey}
	args[field] = value
	return contrastauth.New(args[0], args[1], args[2], args[3])
}

func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, secret := range []string{testServiceKey, testAPIKey, testUserName, planted} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error message carries a secret: %q", err.Error())
		}
	}
}

func TestBadInputToNew(t *testing.T) {
	fields := []string{"url", "userName", "serviceKey", "apiKey"}
	cases := []struct {
		name  string
		value func(good string) string
		want  []contrastauth.Code // any of these
	}{
		{"empty", func(string) string { return "" }, []contrastauth.Code{contrastauth.ErrInvalidArgument, contrastauth.ErrTLSRequired}},
		{"invalid UTF-8", func(g string) string { return g + "\xff\xfe" + planted }, []contrastauth.Code{contrastauth.ErrInvalidUTF8}},
		{"CR", func(g string) string { return g + "\r" + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument}},
		{"LF", func(g string) string { return g + "\n" + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument}},
		{"CRLF header injection", func(g string) string { return g + "\r\nX-Evil: " + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument}},
		{"NUL", func(g string) string { return g + "\x00" + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument}},
	}
	good := []string{testURL, testUserName, testServiceKey, testAPIKey}
	for i, field := range fields {
		for _, c := range cases {
			t.Run(field+"/"+c.name, func(t *testing.T) {
				auth, err := newWith(i, c.value(good[i]))
				if err == nil {
					auth.Close()
					t.Fatal("accepted")
				}
				matched := false
				for _, want := range c.want {
					matched = matched || errors.Is(err, want)
				}
				if !matched {
					t.Fatalf("got %v, want one of %v", err, c.want)
				}
				var typed *contrastauth.Error
				if !errors.As(err, &typed) || typed.Op != "contrastauth.New" {
					t.Fatalf("not an *Error naming the operation: %#v", err)
				}
				assertNoSecret(t, err)
			})
		}
	}
}

func TestNULIsNamedByArgument(t *testing.T) {
	_, err := contrastauth.New(testURL, testUserName, "a\x00b", testAPIKey)
	var typed *contrastauth.Error
	if !errors.As(err, &typed) || typed.Arg != "serviceKey" || !errors.Is(err, contrastauth.ErrInvalidArgument) {
		t.Fatalf("got %#v", err)
	}
}

func TestHTTPURLNeedsTLS(t *testing.T) {
	_, err := contrastauth.New("http://contrast.example.com/Contrast", testUserName, testServiceKey, testAPIKey)
	if !errors.Is(err, contrastauth.ErrTLSRequired) {
		t.Fatalf("got %v", err)
	}
	if errors.Is(err, contrastauth.ErrConfig) && contrastauth.ErrConfig != contrastauth.ErrTLSRequired {
		t.Fatal("errors.Is matched two different codes")
	}
}

func TestBadTokens(t *testing.T) {
	for name, token := range map[string]string{
		"empty":         "",
		"not base64":    "not base64 at all!",
		"missing keys":  "eyJ1cmwiOiAiaHR0cHM6Ly94In0=",
		"invalid UTF-8": "\xff\xfe",
		"CRLF":          "abc\r\ndef",
	} {
		t.Run(name, func(t *testing.T) {
			auth, err := contrastauth.FromToken(token)
			if err == nil {
				auth.Close()
				t.Fatal("accepted")
			}
			want := contrastauth.ErrInvalidToken
			if name == "invalid UTF-8" {
				want = contrastauth.ErrInvalidUTF8
			}
			if !errors.Is(err, want) {
				t.Fatalf("got %v, want %v", err, want)
			}
		})
	}
}

func TestBadRotationKeepsTheOldKeys(t *testing.T) {
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	before, _ := auth.Authorization()
	for _, bad := range []string{"", "a\r\nb", "\xff", "x\x00y"} {
		for _, which := range []int{0, 1} {
			keys := []*string{nil, nil}
			keys[which] = &bad
			err := auth.Rotate(keys[0], keys[1])
			if err == nil {
				t.Fatalf("rotation to %q accepted", bad)
			}
			assertNoSecret(t, err)
		}
	}
	after, _ := auth.Authorization()
	apiKey, _ := auth.APIKey()
	if after != before || apiKey != testAPIKey {
		t.Fatal("a rejected rotation changed the keys")
	}
}

func TestRotatingNothingIsInvalid(t *testing.T) {
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	err = auth.Rotate(nil, nil)
	var typed *contrastauth.Error
	if !errors.Is(err, contrastauth.ErrInvalidArgument) || !errors.As(err, &typed) || !strings.Contains(typed.Detail, "nothing to rotate") {
		t.Fatalf("got %v", err)
	}
}

func TestDetailNamesTheKey(t *testing.T) {
	_, err := contrastauth.New(testURL, testUserName, "a\r\n"+planted, testAPIKey)
	var typed *contrastauth.Error
	if !errors.As(err, &typed) || !strings.Contains(typed.Detail, "service_key") {
		t.Fatalf("detail does not name the key: %v", err)
	}
	assertNoSecret(t, err)
}

func TestBadSigningInput(t *testing.T) {
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()
	good := []string{"POST", testURL + "/api/ng/agents/report", "application/json"}
	cases := []struct {
		index int
		value string
		want  contrastauth.Code
	}{
		{0, "PO ST", contrastauth.ErrSigning},
		{0, "", contrastauth.ErrSigning},
		{0, "\xffPOST", contrastauth.ErrInvalidUTF8},
		{0, "PO\x00ST", contrastauth.ErrInvalidArgument},
		{1, "http://contrast.example.com/Contrast/api", contrastauth.ErrSigning},
		{1, "not a url", contrastauth.ErrSigning},
		{1, "https://x.example.com/\xff", contrastauth.ErrInvalidUTF8},
		{2, "\xff", contrastauth.ErrInvalidUTF8},
	}
	for _, c := range cases {
		args := append([]string(nil), good...)
		args[c.index] = c.value
		_, err := auth.Sign(args[0], args[1], args[2], []byte("{}"))
		if !errors.Is(err, c.want) {
			t.Errorf("Sign with %q at %d: got %v, want %v", c.value, c.index, err, c.want)
		}
	}
	var nonce [contrastauth.NonceLen]byte
	if _, err := auth.SignWithNonce("POST", good[1], good[2], nil, time.Unix(-1, 0), nonce); !errors.Is(err, contrastauth.ErrInvalidArgument) {
		t.Errorf("negative created: got %v", err)
	}
}

func TestClosedAuth(t *testing.T) {
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	if err := auth.Close(); err != nil {
		t.Fatal(err)
	}
	if err := auth.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if _, err := auth.Authorization(); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	key := "NEW"
	if err := auth.Rotate(&key, nil); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if _, err := auth.Sign("POST", testURL+"/api", "application/json", nil); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if _, err := auth.Headers(); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if _, err := auth.Fingerprints(); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
	if _, err := auth.Reload(); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("got %v", err)
	}
}

func TestCodesEqualTheHeader(t *testing.T) {
	header, err := os.ReadFile("contrast_auth.h") // the module's own copy
	if err != nil {
		t.Fatal(err)
	}
	found := regexp.MustCompile(`CONTRAST_RESULT_(\w+) = (\d+)`).FindAllStringSubmatch(string(header), -1)
	if len(found) != len(contrastauth.Codes)+1 {
		t.Fatalf("the header has %d codes, the binding %d (+OK)", len(found), len(contrastauth.Codes))
	}
	seen := map[contrastauth.Code]bool{}
	for _, code := range contrastauth.Codes {
		if seen[code] || code == contrastauth.OK {
			t.Fatalf("code %d listed twice or OK listed", code)
		}
		seen[code] = true
	}
	for _, m := range found {
		value, _ := strconv.Atoi(m[2])
		if m[1] != "OK" && !seen[contrastauth.Code(value)] {
			t.Errorf("CONTRAST_RESULT_%s has no Go constant", m[1])
		}
	}
}

func TestEveryCodeHasAMessage(t *testing.T) {
	for code := contrastauth.Code(0); code < 64; code++ {
		if code.Error() == "" {
			t.Fatalf("code %d has no message", code)
		}
	}
	if contrastauth.Code(0xFFFFFFFF).Error() == "" {
		t.Fatal("unknown code has no message")
	}
}

// Every function of the header is used by the Go package (a function added to the C ABI
// fails this test until the binding wraps it).
func TestEveryHeaderFunctionIsWrapped(t *testing.T) {
	header, err := os.ReadFile("contrast_auth.h") // the module's own copy
	if err != nil {
		t.Fatal(err)
	}
	sources, _ := filepath.Glob("*.go")
	var code strings.Builder
	for _, file := range sources {
		if !strings.HasSuffix(file, "_test.go") {
			data, _ := os.ReadFile(file)
			code.Write(data)
		}
	}
	declared := regexp.MustCompile(`(?m)^\S.*\b(contrast_\w+)\(`).FindAllStringSubmatch(string(header), -1)
	if len(declared) < 15 {
		t.Fatalf("found only %d functions in the header", len(declared))
	}
	// Not needed in Go, with the reason.
	notNeeded := map[string]string{
		"contrast_headers_find": "lists are copied into Headers at once; Headers.Get searches the copy",
		"contrast_auth_from_environment": "FromEnvironment passes the agent name " +
			"through contrast_auth_from_environment_with_options",
		"contrast_auth_from_environment_with_trust": "FromEnvironmentWithTrust passes the agent " +
			"name through contrast_auth_from_environment_with_options",
	}
	for _, m := range declared {
		if _, ok := notNeeded[m[1]]; ok {
			continue
		}
		if !strings.Contains(code.String(), "C."+m[1]+"(") {
			t.Errorf("%s is not wrapped", m[1])
		}
	}
}
