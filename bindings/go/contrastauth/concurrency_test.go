package contrastauth_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/contrast-security-oss/contrast-auth-go/contrastauth"
)

func rotatedServiceKey(i int) string { return fmt.Sprintf("SERVICEKEY%04d", i) }
func rotatedAPIKey(i int) string     { return fmt.Sprintf("APIKEY%04d", i) }

// generationOf returns i for a value made by rotatedServiceKey/rotatedAPIKey(i).
func generationOf(t *testing.T, value, prefix string) int {
	i, err := strconv.Atoi(strings.TrimPrefix(value, prefix))
	if err != nil || !strings.HasPrefix(value, prefix) {
		t.Errorf("torn or unknown value %q", value)
		return -1
	}
	return i
}

// 32 goroutines read both headers, the header list and sign while one rotates both layers
// 300 times: every value is one that was set (never torn), no reader ever sees a generation
// go backwards, and a header list never mixes two generations.
func TestReadersWhileRotating(t *testing.T) {
	const readers, rotations = 32, 300
	auth, err := contrastauth.New(testURL, testUserName, rotatedServiceKey(0), rotatedAPIKey(0))
	if err != nil {
		t.Fatal(err)
	}
	defer auth.Close()

	var done atomic.Bool
	var reads atomic.Int64
	var wg sync.WaitGroup
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lastService, lastAPI := 0, 0
			for !done.Load() || reads.Load() < readers*10 {
				authorization, err := auth.Authorization()
				if err != nil {
					t.Error(err)
					return
				}
				apiKey, err := auth.APIKey()
				if err != nil {
					t.Error(err)
					return
				}
				decoded, err := base64.StdEncoding.DecodeString(authorization)
				if err != nil {
					t.Errorf("authorization is not base64: %v", err)
					return
				}
				service := generationOf(t, strings.TrimPrefix(string(decoded), testUserName+":"), "SERVICEKEY")
				api := generationOf(t, apiKey, "APIKEY")
				if service < lastService || api < lastAPI {
					t.Errorf("went backwards: service %d->%d api %d->%d", lastService, service, lastAPI, api)
					return
				}
				lastService, lastAPI = service, api

				// One snapshot: the pair read together always belongs together.
				headers, err := auth.Headers()
				if err != nil {
					t.Error(err)
					return
				}
				pairAuthorization, _ := headers.Get("Authorization")
				pairAPIKey, _ := headers.Get("API-Key")
				pairDecoded, _ := base64.StdEncoding.DecodeString(pairAuthorization)
				pairService := generationOf(t, strings.TrimPrefix(string(pairDecoded), testUserName+":"), "SERVICEKEY")
				if pairService != generationOf(t, pairAPIKey, "APIKEY") {
					t.Errorf("mixed pair: %q / %q", pairDecoded, pairAPIKey)
					return
				}

				signed, err := auth.Sign("POST", testURL+"/api/ng/agents/report", "application/json", []byte(`{"n":1}`))
				if err != nil {
					t.Error(err)
					return
				}
				if v, _ := signed.Get("Signature"); !strings.HasPrefix(v, "contrast=:") {
					t.Errorf("signature %q", v)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := 1; i <= rotations; i++ {
		sk, ak := rotatedServiceKey(i), rotatedAPIKey(i)
		if err := auth.Rotate(&sk, &ak); err != nil {
			t.Fatal(err)
		}
	}
	done.Store(true)
	wg.Wait()
	final, _ := auth.APIKey()
	if final != rotatedAPIKey(rotations) {
		t.Fatalf("final API key %q", final)
	}
}

// Close while goroutines are reading: calls in flight finish, later calls get ErrClosed,
// nothing touches the freed handle (run with -race).
func TestCloseWhileReading(t *testing.T) {
	auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for r := 0; r < 8; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for i := 0; i < 2000; i++ {
				if _, err := auth.APIKey(); err != nil {
					if !errors.Is(err, contrastauth.ErrClosed) {
						t.Errorf("got %v", err)
					}
					return
				}
			}
		}()
	}
	close(start)
	auth.Close()
	wg.Wait()
	if _, err := auth.APIKey(); !errors.Is(err, contrastauth.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}

// Dropped and closed handles side by side, then the collector: the cleanup frees the dropped
// ones and must not run again for the closed ones (a double free would crash here).
func TestCleanupFreesDroppedAndSparesClosed(t *testing.T) {
	for i := 0; i < 200; i++ {
		auth, err := contrastauth.New(testURL, testUserName, testServiceKey, testAPIKey)
		if err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			auth.Close()
		}
	}
	runtime.GC()
	runtime.GC()
	auth := newTestAuth(t)
	if v, err := auth.APIKey(); err != nil || v != testAPIKey {
		t.Fatalf("%q %v", v, err)
	}
}
