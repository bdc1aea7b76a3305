package contrastauth_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/contrast-security-oss/contrast-auth/bindings/go/contrastauth"
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
		{"empty", func(string) string { return "" }, []contrastauth.Code{contrastauth.ErrInvalidArgument, contrastauth.ErrConfig}},
		{"invalid UTF-8", func(g string) string { return g + "\xff\xfe" + planted }, []contrastauth.Code{contrastauth.ErrInvalidUTF8}},
		{"CR", func(g string) string { return g + "\r" + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument, contrastauth.ErrConfig}},
		{"LF", func(g string) string { return g + "\n" + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument, contrastauth.ErrConfig}},
		{"CRLF header injection", func(g string) string { return g + "\r\nX-Evil: " + planted }, []contrastauth.Code{contrastauth.ErrInvalidArgument, contrastauth.ErrConfig}},
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
			var code contrastauth.Code
			if !errors.As(err, &code) || code == contrastauth.OK {
				t.Fatalf("no code in %v", err)
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
