package contrastauth_test

import (
	"encoding/base64"
	"testing"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

var sink string

func benchAuth(b *testing.B) *contrastauth.Auth {
	b.Helper()
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { auth.Close() })
	return auth
}

// BenchmarkAuthorizationRead: the Authorization value through cgo (one C call, one copy).
func BenchmarkAuthorizationRead(b *testing.B) {
	auth := benchAuth(b)
	b.ReportAllocs()
	for b.Loop() {
		value, err := auth.Authorization()
		if err != nil {
			b.Fatal(err)
		}
		sink = value
	}
}

// BenchmarkAuthorizationPureGo is the baseline: the same value computed in Go per request.
func BenchmarkAuthorizationPureGo(b *testing.B) {
	userName, serviceKey := testUserName, testServiceKey
	b.ReportAllocs()
	for b.Loop() {
		sink = base64.StdEncoding.EncodeToString([]byte(userName + ":" + serviceKey))
	}
	if sink != "YWdlbnRfMGYxZTJkM2M6U0VSVklDRUtFWTAxMjM=" {
		b.Fatal("baseline computed a different value")
	}
}

// BenchmarkCgoCallFloor: the cheapest call into the library (a static message), the fixed
// cost of crossing cgo that every binding call pays.
func BenchmarkCgoCallFloor(b *testing.B) {
	for b.Loop() {
		sink = contrastauth.OK.Error()
	}
}

// BenchmarkHeadersRead: the whole consistent header list (four headers) from one snapshot.
func BenchmarkHeadersRead(b *testing.B) {
	auth := benchAuth(b)
	b.ReportAllocs()
	for b.Loop() {
		headers, err := auth.Headers()
		if err != nil {
			b.Fatal(err)
		}
		sink = headers[0].Value
	}
}
