package contrastauth_test

import (
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

const benchReportPath = "/Contrast/api/ng/agents/report"

// benchBody is a 1 KiB JSON report body.
var benchBody = []byte(`{"report":"` + strings.Repeat("x", 1024-13) + `"}`)

// goSigner is the baseline: the same RFC 9421 signature computed in pure Go (standard
// library only), with the key derived once, as the library derives it once per snapshot.
type goSigner struct {
	key   []byte
	keyID string
}

func newGoSigner(tb testing.TB, userName, serviceKey, apiKey string) goSigner {
	key, err := hkdf.Key(sha256.New, []byte(serviceKey), []byte(apiKey), "contrast-auth/v1 "+userName, 32)
	if err != nil {
		tb.Fatal(err)
	}
	sum := sha256.Sum256(key)
	return goSigner{key: key, keyID: hex.EncodeToString(sum[:8])}
}

// sign returns Content-Digest, Signature-Input and Signature for a POST without a query.
func (s goSigner) sign(authority, path, contentType string, body []byte, created int64, nonce []byte) (string, string, string) {
	digest := sha256.Sum256(body)
	contentDigest := "sha-256=:" + base64.StdEncoding.EncodeToString(digest[:]) + ":"
	params := `("@method" "@authority" "@path" "@query" "content-type" "content-digest");created=` +
		strconv.FormatInt(created, 10) + ";expires=" + strconv.FormatInt(created+300, 10) +
		`;nonce="` + base64.RawURLEncoding.EncodeToString(nonce) + `";keyid="` + s.keyID + `";tag="contrast-auth/v1"`
	base := "\"@method\": POST\n\"@authority\": " + authority + "\n\"@path\": " + path + "\n\"@query\": ?\n" +
		"\"content-type\": " + contentType + "\n\"content-digest\": " + contentDigest + "\n\"@signature-params\": " + params
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(base))
	return contentDigest, "contrast=" + params, "contrast=:" + base64.StdEncoding.EncodeToString(mac.Sum(nil)) + ":"
}

// The baseline computes exactly what the library does: checked against a shared vector.
func TestGoBaselineSignerMatchesTheVector(t *testing.T) {
	var c signingCase
	loadVectors(t, "vanilla_post/case.json", &c)
	body := mustRead(t, "vanilla_post/"+c.Request.BodyFile)
	nonce, _ := base64.RawURLEncoding.DecodeString(c.Nonce)
	signer := newGoSigner(t, c.Credentials.UserName, c.Credentials.ServiceKey, c.Credentials.APIKey)
	digest, input, signature := signer.sign("app.contrastsecurity.com", benchReportPath, c.Request.ContentType, body, c.Created, nonce)
	if digest != c.Expected.ContentDigest || input != c.Expected.SignatureInput || signature != c.Expected.Signature {
		t.Fatalf("baseline differs from the vector:\n%s\n%s\n%s", digest, input, signature)
	}
}

// BenchmarkSign: signing a 1 KiB report through cgo (fresh nonce, current time, a list of
// three headers copied into Go and freed).
func BenchmarkSign(b *testing.B) {
	auth := benchAuth(b)
	url := "https://contrast.example.com" + benchReportPath
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		headers, err := auth.Sign("POST", url, "application/json", benchBody)
		if err != nil {
			b.Fatal(err)
		}
		sink = headers[2].Value
	}
}

// BenchmarkSignPureGo is the baseline: the same signature computed in Go per request.
func BenchmarkSignPureGo(b *testing.B) {
	signer := newGoSigner(b, testUserName, testServiceKey, testAPIKey)
	nonce := make([]byte, contrastauth.NonceLen)
	b.SetBytes(int64(len(benchBody)))
	b.ReportAllocs()
	for b.Loop() {
		rand.Read(nonce)
		_, _, signature := signer.sign("contrast.example.com", benchReportPath, "application/json", benchBody, time.Now().Unix(), nonce)
		sink = signature
	}
}
